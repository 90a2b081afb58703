// Generates the chart's values.schema.json from the comments of values.yaml (`make chart-docs`),
// and checks it in `make lint`. Nothing here is shipped.
module pullsecret-injector.io/tools/chart-schema

go 1.26

require gopkg.in/yaml.v3 v3.0.1
