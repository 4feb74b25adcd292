-- While the fleet is below the target the headline needs at least one launch (the no-loss lower
-- bound, launches_needed_without_losses, is never null there). A date that is reached has a
-- positive launch count, lies after the forecast start and costs at least the no-loss bound
-- (losses only add launches); a date not reached has no launch count. The P90 fleet gets there no
-- later than the P50 one, and the P50 one no later than the P10 one.
select
    scenario,
    in_orbit_at_start,
    launches_needed_without_losses,
    target_date_early, launches_to_target_early,
    target_date_p50, launches_to_target_p50,
    target_date_late, launches_to_target_late
from {{ ref('starlink_42k_forecast') }}
where
    (is_headline and in_orbit_at_start < target_in_orbit
        and (launches_needed_without_losses is null or launches_needed_without_losses <= 0))
    or (target_date_p50 is not null
        and not (launches_to_target_p50 >= coalesce(launches_needed_without_losses, 1)
            and target_date_p50 > forecast_start_date))
    or (target_date_early is not null
        and not (launches_to_target_early > 0 and target_date_early > forecast_start_date))
    or ((target_date_p50 is null) <> (launches_to_target_p50 is null))
    or ((target_date_early is null) <> (launches_to_target_early is null))
    or ((target_date_late is null) <> (launches_to_target_late is null))
    or (target_date_p50 is not null and (target_date_early is null or target_date_early > target_date_p50))
    or (target_date_late is not null and (target_date_p50 is null or target_date_p50 > target_date_late))
