// Package minheap is a binary min-heap of any element type ordered by a less
// function: what container/heap does, without the five methods every user of
// it writes, and without an interface call per comparison.
package minheap

// Heap holds elements with the least first. The zero Heap is not usable:
// make one with New.
type Heap[T any] struct {
	items []T
	less  func(a, b T) bool
}

// New returns a heap ordered by less holding items (which it takes over).
// Among equal elements the order is unspecified: give less a tie-break when
// the order must be deterministic.
func New[T any](less func(a, b T) bool, items ...T) *Heap[T] {
	h := &Heap[T]{items: items, less: less}
	for i := len(items)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
	return h
}

// Len is the number of elements.
func (h *Heap[T]) Len() int { return len(h.items) }

// Push adds x.
func (h *Heap[T]) Push(x T) {
	h.items = append(h.items, x)
	h.up(len(h.items) - 1)
}

// Pop removes and returns the least element. It panics on an empty heap.
func (h *Heap[T]) Pop() T {
	n := len(h.items) - 1
	x := h.items[0]
	h.items[0] = h.items[n]
	var zero T
	h.items[n] = zero // let the collector have what it held
	h.items = h.items[:n]
	if n > 0 {
		h.down(0)
	}
	return x
}

// Min points at the least element, to read it or change it in place (then
// call Fix). It panics on an empty heap.
func (h *Heap[T]) Min() *T { return &h.items[0] }

// Fix restores the order after the least element changed in place.
func (h *Heap[T]) Fix() { h.down(0) }

func (h *Heap[T]) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(h.items[i], h.items[parent]) {
			return
		}
		h.items[i], h.items[parent] = h.items[parent], h.items[i]
		i = parent
	}
}

func (h *Heap[T]) down(i int) {
	n := len(h.items)
	for {
		least := i
		if l := 2*i + 1; l < n && h.less(h.items[l], h.items[least]) {
			least = l
		}
		if r := 2*i + 2; r < n && h.less(h.items[r], h.items[least]) {
			least = r
		}
		if least == i {
			return
		}
		h.items[i], h.items[least] = h.items[least], h.items[i]
		i = least
	}
}
