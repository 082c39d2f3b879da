package accesslog

import (
	"container/heap"
	"fmt"
	"io"
	"strings"
	"time"
)

// Reader reads the requests of several log files as one stream in time
// order. Each file is expected in time order, as a server writes it (an
// entry a little out of order is passed on where it stands); the files may
// overlap in time, as the logs of several servers do. Memory holds one
// buffer per file, whatever the files' lengths.
type Reader struct {
	o     Options
	files fileHeap
	last  *file // the file whose entry Next returned last
	stats Stats
}

// Stats counts what a Reader read.
type Stats struct {
	Requests  int64     // entries returned by Next
	Cut       int64     // requests outside [From, To)
	Malformed Malformed // lines that could not be read
}

// Malformed counts the lines that could not be read and keeps the first
// MaxKept of them.
type Malformed struct {
	Count int64
	First []LineError
}

// MaxKept is how many malformed lines Malformed keeps.
const MaxKept = 5

// LineError is a line that could not be read.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

func (m *Malformed) add(file string, line int, err error) {
	m.Count++
	if len(m.First) < MaxKept {
		m.First = append(m.First, LineError{file, line, err})
	}
}

// String says how many lines were malformed and shows the first ones.
func (m Malformed) String() string {
	if m.Count == 0 {
		return "no malformed lines"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d malformed line(s) skipped", m.Count)
	for _, e := range m.First {
		b.WriteString("\n  " + e.Error())
	}
	if m.Count > int64(len(m.First)) {
		fmt.Fprintf(&b, "\n  ... and %d more", m.Count-int64(len(m.First)))
	}
	return b.String()
}

// Open opens the named files and reads the first request of each. An error
// names the file that cannot be read.
func Open(names []string, o Options) (*Reader, error) {
	r := &Reader{o: o.withDefaults()}
	for i, name := range names {
		f, err := openFile(name, &r.o)
		if err != nil {
			r.Close()
			return nil, err
		}
		ok, err := f.next(&r.stats.Malformed, &r.stats.Cut)
		if err != nil {
			f.close()
			r.Close()
			return nil, err
		}
		if !ok {
			f.close()
			continue
		}
		r.files = append(r.files, heapItem{f, i})
	}
	heap.Init(&r.files)
	return r, nil
}

// First returns the time of the earliest first request of the files (zero
// when they hold none), before Next is called.
func (r *Reader) First() time.Time {
	if len(r.files) == 0 {
		return time.Time{}
	}
	return r.files[0].f.e.Time
}

// Next returns the earliest request not yet returned, or io.EOF after the
// last. The entry and its bytes hold until the next call.
func (r *Reader) Next() (*Entry, error) {
	if r.last != nil {
		f := r.last
		r.last = nil
		ok, err := f.next(&r.stats.Malformed, &r.stats.Cut)
		if err != nil {
			return nil, err
		}
		if ok {
			heap.Fix(&r.files, 0)
		} else {
			f.close()
			heap.Pop(&r.files)
		}
	}
	if len(r.files) == 0 {
		return nil, io.EOF
	}
	r.last = r.files[0].f
	r.stats.Requests++
	return &r.last.e, nil
}

// Stats returns what has been read so far.
func (r *Reader) Stats() Stats { return r.stats }

// Close closes the files still open.
func (r *Reader) Close() error {
	for _, it := range r.files {
		it.f.close()
	}
	r.files = nil
	return nil
}

// heapItem is a file in the merge, ordered by its entry's time, then by its
// place on the command line.
type heapItem struct {
	f     *file
	order int
}

type fileHeap []heapItem

func (h fileHeap) Len() int { return len(h) }
func (h fileHeap) Less(i, j int) bool {
	ti, tj := h[i].f.e.Time, h[j].f.e.Time
	if ti.Equal(tj) {
		return h[i].order < h[j].order
	}
	return ti.Before(tj)
}
func (h fileHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *fileHeap) Push(x any)   { *h = append(*h, x.(heapItem)) }
func (h *fileHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}
