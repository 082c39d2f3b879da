package minheap

import (
	"slices"
	"testing"
)

// TestOrder pops pushed and initial elements in order, also after the least
// one changed in place.
func TestOrder(t *testing.T) {
	h := New(func(a, b int) bool { return a < b }, 5, 3, 9)
	for _, x := range []int{7, 1, 8} {
		h.Push(x)
	}
	*h.Min() = 6 // 1 becomes 6
	h.Fix()
	var got []int
	for h.Len() > 0 {
		got = append(got, h.Pop())
	}
	if want := []int{3, 5, 6, 7, 8, 9}; !slices.Equal(got, want) {
		t.Errorf("popped %v, want %v", got, want)
	}
}

// TestManyOrders checks heaps of 0 to 39 elements, half given to New and
// half pushed, pop in sorted order.
func TestManyOrders(t *testing.T) {
	for n := range 40 {
		var in []int
		for i := range n {
			in = append(in, (i*7919+13)%31)
		}
		h := New(func(a, b int) bool { return a < b }, slices.Clone(in[:n/2])...)
		for _, x := range in[n/2:] {
			h.Push(x)
		}
		var got []int
		for h.Len() > 0 {
			got = append(got, h.Pop())
		}
		want := slices.Clone(in)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("n=%d: popped %v, want %v", n, got, want)
		}
	}
}
