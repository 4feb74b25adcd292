with source as (

    select * from {{ source('spacex_raw', 'starlink') }}
    where _sdc_deleted_at is null

),

renamed as (

    select
        id                                                  as satellite_id,
        launch                                              as launch_id,
        version,
        ("spaceTrack" ->> 'NORAD_CAT_ID')::integer          as norad_cat_id,
        "spaceTrack" ->> 'OBJECT_NAME'                      as object_name,
        "spaceTrack" ->> 'OBJECT_ID'                        as object_id,
        "spaceTrack" ->> 'OBJECT_TYPE'                      as object_type,
        ("spaceTrack" ->> 'LAUNCH_DATE')::date              as launch_date,
        ("spaceTrack" ->> 'DECAY_DATE')::date               as decay_date,
        ("spaceTrack" ->> 'DECAYED')::integer = 1           as is_decayed,
        ("spaceTrack" ->> 'EPOCH')::timestamp               as epoch,
        ("spaceTrack" ->> 'CREATION_DATE')::timestamp       as creation_date,
        ("spaceTrack" ->> 'PERIOD')::numeric                as period_min,
        ("spaceTrack" ->> 'INCLINATION')::numeric           as inclination_deg,
        ("spaceTrack" ->> 'APOAPSIS')::numeric              as apoapsis_km,
        ("spaceTrack" ->> 'PERIAPSIS')::numeric             as periapsis_km,
        ("spaceTrack" ->> 'SEMIMAJOR_AXIS')::numeric        as semimajor_axis_km,
        ("spaceTrack" ->> 'ECCENTRICITY')::numeric          as eccentricity,
        ("spaceTrack" ->> 'MEAN_MOTION')::numeric           as mean_motion_rev_per_day,
        ("spaceTrack" ->> 'RA_OF_ASC_NODE')::numeric        as ra_of_asc_node_deg,
        ("spaceTrack" ->> 'ARG_OF_PERICENTER')::numeric     as arg_of_pericenter_deg,
        ("spaceTrack" ->> 'MEAN_ANOMALY')::numeric          as mean_anomaly_deg,
        ("spaceTrack" ->> 'BSTAR')::numeric                 as bstar,
        ("spaceTrack" ->> 'REV_AT_EPOCH')::integer          as rev_at_epoch,
        "spaceTrack" ->> 'RCS_SIZE'                         as rcs_size,
        longitude,
        latitude,
        height_km,
        velocity_kms,
        _sdc_batched_at                                     as loaded_at,
        {{ transformation_updated_at() }}                   as transformation_updated_at
    from source

)

select * from renamed
