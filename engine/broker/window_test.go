package broker

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Many senders at once do not overrun the window: each takes its place
// before it sends (they all used to see room and pass together).
func TestConcurrentSendersStayInWindow(t *testing.T) {
	front, back, name := freeEndpoint(t), freeEndpoint(t), t.Name()
	startAt(t, name, front, back)
	const window, senders = 8, 50
	p, err := NewProducer(front, WithWindow(window), WithName(name))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = p.Send(Message{ID: fmt.Sprintf("m%d", i), Deadline: time.Now().Add(time.Minute), Payload: []byte("x")})
		}()
	}
	// No consumer: nothing finishes, so what is unfinished is what got in.
	waitUntil(t, 5*time.Second, "the window full", func() bool { return p.Unfinished() >= window })
	time.Sleep(200 * time.Millisecond) // any sender that slipped past would show by now
	if got := p.Unfinished(); got != window {
		t.Errorf("%d messages unfinished, want the window's %d", got, window)
	}
	p.Close() // releases the waiting senders
	wg.Wait()
}
