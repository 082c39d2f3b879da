// Package render writes a record in one format: the terminal table, JSON
// (run.json), CSV, Markdown, GitLab metrics lines, a self-contained HTML report with charts, or the
// percentile distribution (.hgrm). Each format is one Renderer, in its own
// file; a renderer reads the record only. headline.go holds what the human
// formats share: the verdict, the headline figures and the per-stream rows.
package render

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/burstlab/burstlab/report"
)

// A Renderer writes a record in one format. Renderers read the record only.
type Renderer interface {
	Render(w io.Writer, rec *report.Record) error
}

// RendererFunc adapts a function to a Renderer.
type RendererFunc func(w io.Writer, rec *report.Record) error

// Render calls f.
func (f RendererFunc) Render(w io.Writer, rec *report.Record) error { return f(w, rec) }

// formats are the renderers `burstlab report --format` offers, by name.
var formats = Registry[Renderer]{
	"table":   Table{},
	"json":    JSON{},
	"csv":     CSV{},
	"md":      Markdown{},
	"html":    HTML{},
	"hgrm":    Hgrm{},
	"metrics": Metrics{},
}

// Formats lists the format names, sorted.
func Formats() []string { return formats.Names() }

// Format returns the renderer of the named format.
func Format(name string) (Renderer, error) { return formats.Get(name) }

// Registry names the renderers of one kind (a record's, a capacity
// search's) by their format.
type Registry[R any] map[string]R

// Names lists the format names, sorted.
func (g Registry[R]) Names() []string {
	names := make([]string, 0, len(g))
	for n := range g {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Get returns the renderer of the named format.
func (g Registry[R]) Get(name string) (R, error) {
	r, ok := g[name]
	if !ok {
		return r, fmt.Errorf("unknown format %q: want one of %s", name, strings.Join(g.Names(), ", "))
	}
	return r, nil
}

// RenderFile renders rec into path atomically: the file appears whole or not
// at all, and a failed render leaves an existing file untouched.
func RenderFile(path string, r Renderer, rec *report.Record) error {
	var buf bytes.Buffer
	if err := r.Render(&buf, rec); err != nil {
		return err
	}
	return report.WriteFileAtomic(path, buf.Bytes())
}
