{{ config(severity='warn') }}
-- The answer's band and headline stand on the rolling-origin backtest: both scenarios are there,
-- and the headline configuration is scored on at least 24 cutoffs at the longest headline horizon
-- (fewer would make its quantiles noise). Data too short for that (a young constellation, a
-- recording of a few months) warns here
-- (the answer says so too: band_is_backtested) rather than failing the day's answer.
select scenario, cutoffs_at_longest_headline_horizon
from {{ ref('starlink_42k_forecast') }}
where coalesce(cutoffs_at_longest_headline_horizon, 0) < 24
    or (select count(*) from {{ ref('starlink_42k_forecast') }}) <> 2
