-- One row per (launch, crew member) link from launches.crew.
--
-- The tap delivers crew in two shapes (setting `launches_api_version`):
--   v4 (default): bare ids, loaded by target-postgres as text[]        -> role is null
--   v5:           objects {"crew": id, "role": text}, loaded as jsonb[] -> role filled
-- `to_jsonb(crew)` turns either column type into one jsonb array (of strings or of objects), so
-- this one statement compiles and works for both shapes without knowing the column type.
with launches as (

    select id, crew
    from {{ source('spacex_raw', 'launches') }}
    where _sdc_deleted_at is null

),

unnested as (

    select
        launches.id                             as launch_id,
        member.crew_position::integer           as crew_position,
        member.element
    from launches
    cross join lateral jsonb_array_elements(coalesce(to_jsonb(launches.crew), '[]'::jsonb))
        with ordinality as member (element, crew_position)

),

renamed as (

    select
        launch_id,
        case jsonb_typeof(element)
            when 'object' then element ->> 'crew'
            else element #>> '{}'
        end                                     as crew_id,
        case jsonb_typeof(element)
            when 'object' then element ->> 'role'
        end                                     as crew_role,
        crew_position,
        case jsonb_typeof(element)
            when 'object' then 'v5'
            else 'v4'
        end                                     as crew_shape
    from unnested

)

select
    launch_id || '-' || crew_id                 as launch_crew_id,
    launch_id,
    crew_id,
    crew_role,
    crew_position,
    crew_shape,
    {{ transformation_updated_at() }}           as transformation_updated_at
from renamed
