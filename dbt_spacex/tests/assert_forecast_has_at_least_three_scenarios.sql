-- The answer must offer at least three scenarios (trailing short window, trailing long window, linear trend).
select count(*) as scenarios
from {{ ref('starlink_42k_forecast') }}
having count(*) < 3
