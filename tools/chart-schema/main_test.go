package main

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	cases := []struct {
		name     string
		values   string
		pointer  []string
		want     any
		problems []string
	}{
		{
			name:    "a scalar's type comes from its default and its description from the helm-docs block",
			values:  "# -- How many Pods.\n# @default -- two\nreplicaCount: 2\n",
			pointer: []string{"properties", "replicaCount"},
			want:    map[string]any{"description": "How many Pods.", "type": "integer"},
		},
		{
			name:    "a @schema block above the description adds keywords, and an enum drops the inferred type",
			values:  "# @schema\n# enum: [Ignore, Fail]\n# @schema\n# -- What to do.\nfailurePolicy: Ignore\n",
			pointer: []string{"properties", "failurePolicy"},
			want:    map[string]any{"description": "What to do.", "enum": []any{"Ignore", "Fail"}},
		},
		{
			name:    "a documented mapping rejects unknown keys",
			values:  "# -- The image.\nimage:\n  # -- Its tag.\n  tag: \"\"\n",
			pointer: []string{"properties", "image", "additionalProperties"},
			want:    false,
		},
		{
			name:    "a mapping whose type is declared is taken whole: its keys need no description",
			values:  "# @schema\n# type: object\n# @schema\n# -- Resources.\nresources:\n  limits:\n    memory: 1Gi\n",
			pointer: []string{"properties", "resources"},
			want:    map[string]any{"description": "Resources.", "type": "object"},
		},
		{
			name:    "@raw keeps the description's line breaks",
			values:  "# -- Modes:\n# @raw\n# - a\n# - b\nmode: a\n",
			pointer: []string{"properties", "mode", "description"},
			want:    "Modes:\n- a\n- b",
		},
		{
			name: "definitions come from the one @schema-definitions block",
			values: "# @schema-definitions\n# glob:\n#   type: string\n# @schema-definitions\n\n" +
				"# @schema\n# items:\n#   $ref: \"#/definitions/glob\"\n# @schema\n# -- Globs.\nexclude: []\n",
			pointer: []string{"definitions", "glob", "type"},
			want:    "string",
		},
		{
			name:     "a value without a description fails, with its path and line",
			values:   "# -- The image.\nimage:\n  # just a comment\n  tag: \"\"\n",
			problems: []string{"line 4, image.tag: no description"},
		},
		{
			name:     "an unclosed @schema block fails",
			values:   "# @schema\n# minimum: 1\n# -- Pods.\nreplicaCount: 2\n",
			problems: []string{`line 4, replicaCount: a "# @schema" block is not closed`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, problems := Generate([]byte(c.values))
			if !reflect.DeepEqual(problems, c.problems) {
				t.Fatalf("problems = %q, want %q", problems, c.problems)
			}
			if c.problems != nil {
				return
			}
			var schema any
			if err := json.Unmarshal(out, &schema); err != nil {
				t.Fatal(err)
			}
			got := schema
			for _, p := range c.pointer {
				got = got.(map[string]any)[p]
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s = %#v, want %#v", strings.Join(c.pointer, "/"), got, c.want)
			}
		})
	}
}

func TestTheChartsSchemaIsWhatItsValuesGive(t *testing.T) {
	values, err := os.ReadFile("../../charts/pullsecret-injector/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	current, err := os.ReadFile("../../charts/pullsecret-injector/values.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	out, problems := Generate(values)
	if len(problems) > 0 {
		t.Fatalf("values.yaml: %s", strings.Join(problems, "; "))
	}
	if string(out) != string(current) {
		t.Errorf("values.schema.json is stale: run `make chart-docs`")
	}
}
