// Command chart-schema writes a Helm chart's values.schema.json from the comments of its
// values.yaml, and fails when a value has no description.
//
// It reads the helm-docs comment format, so the same comments make the chart README
// (helm-docs) and the schema (this tool):
//
//	# @schema
//	# enum: [Ignore, Fail]
//	# @schema
//	# -- What the API server does when it cannot reach the injector.
//	failurePolicy: Ignore
//
// The "# -- " block is the description (helm-docs reads only that block; "# @raw" keeps its
// line breaks). A "# @schema" block above it holds JSON Schema keywords in YAML, merged over what
// the default implies: the type of a scalar, the properties of a mapping (whose unknown keys are
// rejected), "array" for a sequence. A mapping whose block names a type or a $ref is taken as a
// whole (resources, affinity): its keys need no description of their own. Shared definitions are
// one "# @schema-definitions" block anywhere in the file's comments.
//
// Usage: chart-schema [-check] CHART_DIR. With -check it writes nothing and fails when
// values.schema.json differs from what it would write.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

const (
	schemaMarker      = "# @schema"
	definitionsMarker = "# @schema-definitions"
)

var (
	descriptionStart = regexp.MustCompile(`^\s*#\s+--\s?(.*)$`)
	continuation     = regexp.MustCompile(`^\s*#\s?(.*)$`)
	helmDocsTag      = regexp.MustCompile(`^\s*#\s+@(default|section|notationType)\b`)
	rawTag           = regexp.MustCompile(`^\s*#\s+@raw\s*$`)
)

func main() {
	check := flag.Bool("check", false, "fail when values.schema.json is not what values.yaml gives, instead of writing it")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: chart-schema [-check] CHART_DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	dir := flag.Arg(0)
	source, err := os.ReadFile(filepath.Join(dir, "values.yaml"))
	if err != nil {
		fail("%v", err)
	}
	schema, problems := Generate(source)
	if len(problems) > 0 {
		fail("%s/values.yaml:\n  %s\nEvery value needs a \"# -- \" description (helm-docs format) above it; see tools/chart-schema/main.go.",
			dir, strings.Join(problems, "\n  "))
	}
	target := filepath.Join(dir, "values.schema.json")
	if *check {
		current, _ := os.ReadFile(target)
		if !bytes.Equal(current, schema) {
			fail("%s is not what %s/values.yaml gives: run `make chart-docs` and commit the result.", target, dir)
		}
		return
	}
	if err := os.WriteFile(target, schema, 0o644); err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "chart-schema: "+format+"\n", args...)
	os.Exit(1)
}

// Generate returns the schema for a values.yaml, or the problems that keep it from being written.
func Generate(source []byte) ([]byte, []string) {
	var doc yaml.Node
	if err := yaml.Unmarshal(source, &doc); err != nil {
		return nil, []string{err.Error()}
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, []string{"the document is not a mapping"}
	}
	g := &generator{}
	definitions := g.definitions(source)
	root := g.mapping("", doc.Content[0])
	out := object{}
	out.set("$schema", "http://json-schema.org/draft-07/schema#")
	out.set("title", "values")
	if title := chartTitle(source); title != "" {
		out.set("title", title)
	}
	if definitions != nil {
		out.set("definitions", definitions)
	}
	for _, k := range root.keys {
		if k != "description" {
			out.set(k, root.values[k])
		}
	}
	if len(g.problems) > 0 {
		return nil, g.problems
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, []string{err.Error()}
	}
	return buf.Bytes(), nil
}

// chartTitle is the first line of the file's first comment when it reads "Values of <chart>." or
// "Default values for <chart>.", so the schema names its chart.
func chartTitle(source []byte) string {
	first, _, _ := strings.Cut(string(source), "\n")
	m := regexp.MustCompile(`^# (?:Default values for|Values of) ([a-z0-9-]+)\.`).FindStringSubmatch(first)
	if m == nil {
		return ""
	}
	return m[1] + " values"
}

type generator struct {
	problems []string
}

func (g *generator) problem(path string, line int, format string, args ...any) {
	g.problems = append(g.problems, fmt.Sprintf("line %d, %s: %s", line, path, fmt.Sprintf(format, args...)))
}

// definitions reads the one "# @schema-definitions" block of the file.
func (g *generator) definitions(source []byte) *object {
	var lines []string
	inside, seen := false, 0
	for _, line := range strings.Split(string(source), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == definitionsMarker {
			inside = !inside
			seen++
			continue
		}
		if inside {
			lines = append(lines, uncomment(line))
		}
	}
	if seen == 0 {
		return nil
	}
	if seen != 2 {
		g.problem("(definitions)", 0, "%q must open and close one block", definitionsMarker)
		return nil
	}
	defs, err := parseKeywords(lines)
	if err != nil {
		g.problem("(definitions)", 0, "%v", err)
		return nil
	}
	return defs
}

// comment is what a key's head comment says.
type comment struct {
	description string
	keywords    *object
}

// comment reads a key's head comment; false when a problem was already reported for it.
func (g *generator) comment(path string, key *yaml.Node) (comment, bool) {
	lines := strings.Split(key.HeadComment, "\n")
	var c comment
	var schemaLines []string
	inSchema, inDefinitions, descriptionAt := false, false, -1
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == definitionsMarker:
			inDefinitions = !inDefinitions
		case inDefinitions:
		case trimmed == schemaMarker:
			inSchema = !inSchema
		case inSchema:
			schemaLines = append(schemaLines, uncomment(line))
		case descriptionStart.MatchString(line):
			descriptionAt = i
		}
	}
	if inSchema {
		g.problem(path, key.Line, "a %q block is not closed", schemaMarker)
		return c, false
	}
	if len(schemaLines) > 0 {
		kw, err := parseKeywords(schemaLines)
		if err != nil {
			g.problem(path, key.Line, "the %s block: %v", schemaMarker, err)
			return c, false
		}
		c.keywords = kw
	}
	if descriptionAt >= 0 {
		c.description = describe(lines[descriptionAt:])
	}
	return c, true
}

// describe joins a "# -- " block as helm-docs does: lines with spaces, or with line breaks after "# @raw".
func describe(lines []string) string {
	text := descriptionStart.FindStringSubmatch(lines[0])[1]
	raw := false
	for _, line := range lines[1:] {
		if rawTag.MatchString(line) && !raw {
			raw = true
			continue
		}
		if helmDocsTag.MatchString(line) {
			continue
		}
		m := continuation.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if raw {
			text += "\n" + m[1]
		} else {
			text += " " + m[1]
		}
	}
	return strings.TrimSpace(text)
}

func uncomment(line string) string {
	s := strings.TrimLeft(line, " \t")
	s = strings.TrimPrefix(s, "#")
	return strings.TrimPrefix(s, " ")
}

func parseKeywords(lines []string) (*object, error) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(strings.Join(lines, "\n")), &n); err != nil {
		return nil, err
	}
	if len(n.Content) != 1 || n.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a mapping of JSON Schema keywords")
	}
	v, err := convert(n.Content[0])
	if err != nil {
		return nil, err
	}
	return v.(*object), nil
}

// mapping is the schema of a mapping whose keys are each documented.
func (g *generator) mapping(path string, node *yaml.Node) *object {
	props := &object{}
	for i := 0; i < len(node.Content); i += 2 {
		key, value := node.Content[i], node.Content[i+1]
		child := key.Value
		if path != "" {
			child = path + "." + key.Value
		}
		props.set(key.Value, g.value(child, key, value))
	}
	s := &object{}
	s.set("type", "object")
	s.set("additionalProperties", false)
	s.set("properties", props)
	return s
}

func (g *generator) value(path string, key, value *yaml.Node) *object {
	c, ok := g.comment(path, key)
	if ok && c.description == "" {
		g.problem(path, key.Line, "no description")
	}
	declared := c.keywords != nil && (c.keywords.has("type") || c.keywords.has("$ref"))
	var inferred *object
	switch value.Kind {
	case yaml.MappingNode:
		if declared || len(value.Content) == 0 {
			inferred = &object{}
			inferred.set("type", "object")
		} else {
			inferred = g.mapping(path, value)
		}
	case yaml.SequenceNode:
		inferred = &object{}
		inferred.set("type", "array")
	case yaml.ScalarNode:
		inferred = &object{}
		if t := scalarType(value); t != "" {
			inferred.set("type", t)
		}
	default:
		g.problem(path, key.Line, "aliases are not supported")
		inferred = &object{}
	}
	s := &object{}
	if c.description != "" {
		s.set("description", c.description)
	}
	if c.keywords == nil {
		s.merge(inferred)
		return s
	}
	if c.keywords.has("$ref") || c.keywords.has("enum") || c.keywords.has("const") || c.keywords.has("anyOf") ||
		c.keywords.has("oneOf") || c.keywords.has("type") {
		inferred.remove("type")
	}
	s.merge(inferred)
	s.merge(c.keywords)
	return s
}

func scalarType(n *yaml.Node) string {
	switch n.ShortTag() {
	case "!!str":
		return "string"
	case "!!bool":
		return "boolean"
	case "!!int":
		return "integer"
	case "!!float":
		return "number"
	}
	return ""
}

// object is a JSON object that keeps the order its keys were set in.
type object struct {
	keys   []string
	values map[string]any
}

func (o *object) has(k string) bool {
	_, ok := o.values[k]
	return ok
}

func (o *object) set(k string, v any) {
	if o.values == nil {
		o.values = map[string]any{}
	}
	if !o.has(k) {
		o.keys = append(o.keys, k)
	}
	o.values[k] = v
}

func (o *object) remove(k string) {
	if !o.has(k) {
		return
	}
	delete(o.values, k)
	for i, key := range o.keys {
		if key == k {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			return
		}
	}
}

// merge sets every key of other over this object's, merging objects that both have.
func (o *object) merge(other *object) {
	for _, k := range other.keys {
		mine, ok1 := o.values[k].(*object)
		theirs, ok2 := other.values[k].(*object)
		if ok1 && ok2 {
			mine.merge(theirs)
			continue
		}
		o.set(k, other.values[k])
	}
}

func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(k)
		buf.Write(key)
		buf.WriteByte(':')
		var value bytes.Buffer
		enc := json.NewEncoder(&value)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(o.values[k]); err != nil {
			return nil, err
		}
		buf.Write(bytes.TrimRight(value.Bytes(), "\n"))
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// convert turns a YAML node into JSON values, keeping the order of mapping keys.
func convert(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.MappingNode:
		o := &object{}
		for i := 0; i < len(n.Content); i += 2 {
			v, err := convert(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			o.set(n.Content[i].Value, v)
		}
		return o, nil
	case yaml.SequenceNode:
		list := []any{}
		for _, item := range n.Content {
			v, err := convert(item)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!bool":
			return n.Value == "true", nil
		case "!!int":
			return strconv.ParseInt(n.Value, 0, 64)
		case "!!float":
			return strconv.ParseFloat(n.Value, 64)
		case "!!null":
			return nil, nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unsupported YAML", n.Line)
}
