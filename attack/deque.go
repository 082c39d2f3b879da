package attack

// deque is a first-in first-out ring of values. The pacer's lookahead and
// release queue pass every planned request through one; a slice re-sliced
// from the front would leave its whole history as garbage.
type deque[T any] struct {
	buf     []T
	head, n int
}

func (d *deque[T]) len() int { return d.n }

// push appends x at the back.
func (d *deque[T]) push(x T) {
	if d.n == len(d.buf) {
		grown := make([]T, max(16, 2*len(d.buf)))
		for i := 0; i < d.n; i++ {
			grown[i] = d.buf[(d.head+i)%len(d.buf)]
		}
		d.buf, d.head = grown, 0
	}
	d.buf[(d.head+d.n)%len(d.buf)] = x
	d.n++
}

// front returns the first value; the deque must not be empty.
func (d *deque[T]) front() T { return d.buf[d.head] }

// back returns the last value; the deque must not be empty.
func (d *deque[T]) back() T { return d.buf[(d.head+d.n-1)%len(d.buf)] }

// pop removes and returns the first value; the deque must not be empty.
func (d *deque[T]) pop() T {
	var zero T
	x := d.buf[d.head]
	d.buf[d.head] = zero
	d.head = (d.head + 1) % len(d.buf)
	d.n--
	return x
}

// drain removes every value, returning them in order.
func (d *deque[T]) drain() []T {
	out := make([]T, 0, d.n)
	for d.n > 0 {
		out = append(out, d.pop())
	}
	return out
}
