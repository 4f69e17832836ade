package broker

// queue is a bounded FIFO of messages waiting for a free consumer slot.
// A ring buffer keeps memory flat under churn (a slice re-slice would keep
// growing its backing array).
type queue struct {
	buf        []Message
	head, size int
	limit      int
}

func newQueue(limit int) *queue { return &queue{limit: limit} }

func (q *queue) Len() int { return q.size }

// Push appends m and reports false (m dropped) when the queue is full.
func (q *queue) Push(m Message) bool {
	if q.size >= q.limit {
		return false
	}
	q.grow()
	q.buf[(q.head+q.size)%len(q.buf)] = m
	q.size++
	return true
}

// PushFront puts a re-sent message first: it has waited longest. It may go
// past the limit because dropping a job we already accepted would lose it.
func (q *queue) PushFront(m Message) {
	q.grow()
	q.head = (q.head - 1 + len(q.buf)) % len(q.buf)
	q.buf[q.head] = m
	q.size++
}

func (q *queue) Pop() (Message, bool) {
	if q.size == 0 {
		return Message{}, false
	}
	m := q.buf[q.head]
	q.buf[q.head] = Message{}
	q.head = (q.head + 1) % len(q.buf)
	q.size--
	return m, true
}

func (q *queue) grow() {
	if q.size < len(q.buf) {
		return
	}
	n := 2 * len(q.buf)
	if n == 0 {
		n = 64
	}
	nb := make([]Message, n)
	for i := 0; i < q.size; i++ {
		nb[i] = q.buf[(q.head+i)%len(q.buf)]
	}
	q.buf, q.head = nb, 0
}
