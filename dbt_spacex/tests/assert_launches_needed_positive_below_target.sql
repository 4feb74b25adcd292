-- While the fleet is below the target, a scenario that reaches it needs at least one launch and a
-- future date; a scenario that never reaches it has neither a date nor a launch count (no silent
-- division by zero); at or above the target, nothing is needed.
select *
from {{ ref('starlink_42k_forecast') }}
where
    (satellites_in_orbit < target_in_orbit and reaches_target
        and not (launches_needed > 0 and months_to_target > 0 and projected_date > as_of_date))
    or (not reaches_target
        and (projected_date is not null or launches_needed is not null or months_to_target is not null))
    or (not reaches_target and decay_model = 'proportional'
        and equilibrium_in_orbit > target_in_orbit)
    or (satellites_in_orbit >= target_in_orbit and launches_needed <> 0)
