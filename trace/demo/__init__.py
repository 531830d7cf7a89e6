"""The demo season: lychee from Thanh Hà and Lục Ngạn in June 2026, and carrots from Cẩm Giàng
(washed, graded by size, kept cold) for Korea and Europe, recorded through the use cases.

Nothing is written behind the services' backs: every harvest, receipt, treatment, packing,
pallet and shipment goes through `trace.services`, so each event is hash-chained and every
rule (mass balance, market segregation, holds) is checked, as it is for a worker's tablet.

`plan(seed)` decides the season without a database: a list of steps, each the data one use
case takes, in the order things happened. `load()` writes the places, products and users,
then replays the steps. The same seed gives the same season: the same lot codes, SSCCs,
containers and quantities (only the API tokens differ).

The places' codes are demo values in the formats the design names. In the domestic
growing-area code `VN-<province>-<district>-<commune>-<nn>-<yy>` the parts are the initials of
the names; real codes use the numbers of the administrative units.

The modules: `data` (the places, products, shipments and users of the season), `season`
(`plan`), `places` (the locations' master data), `load` (writing it all; the cartons' pages).
"""
