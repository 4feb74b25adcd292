-- While the fleet is below the target every scenario needs at least one launch (launches_needed,
-- the no-loss lower bound, is never null there). A scenario that reaches the target has a positive
-- launches_to_target and a date after the as-of date; one that never reaches it has no date, no
-- months and no launches_to_target (no silent division by zero), and under proportional decay its
-- equilibrium is at or below the target (closed forms; a simulated cadence_trend that is still
-- short of its equilibrium at the horizon year counts as never). At or above the target nothing is
-- needed.
select *
from {{ ref('starlink_42k_forecast') }}
where
    (satellites_in_orbit < target_in_orbit
        and (launches_needed is null or launches_needed <= 0))
    or (satellites_in_orbit < target_in_orbit and reaches_target
        and not (launches_to_target > 0 and months_to_target > 0 and projected_date > as_of_date))
    or (not reaches_target
        and (projected_date is not null or launches_to_target is not null or months_to_target is not null))
    or (not reaches_target and decay_model = 'proportional' and projection_method = 'closed_form'
        and equilibrium_in_orbit > target_in_orbit)
    or (reaches_target and decay_model in ('proportional', 'none')
        and launches_to_target < launches_needed - 1)
    or (satellites_in_orbit >= target_in_orbit and (launches_needed <> 0 or launches_to_target <> 0))
