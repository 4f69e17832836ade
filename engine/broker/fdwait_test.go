package broker

import (
	"fmt"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
)

func pairSockets(t *testing.T) (rx, tx *zmq.Socket) {
	t.Helper()
	ep := fmt.Sprintf("inproc://fdwait-%d", time.Now().UnixNano())
	rx, err := zmq.NewSocket(zmq.PAIR)
	if err != nil {
		t.Fatal(err)
	}
	_ = rx.SetLinger(0)
	if err := rx.Bind(ep); err != nil {
		t.Fatal(err)
	}
	tx, err = zmq.NewSocket(zmq.PAIR)
	if err != nil {
		t.Fatal(err)
	}
	_ = tx.SetLinger(0)
	if err := tx.Connect(ep); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Close(); rx.Close() })
	return rx, tx
}

// A message sent before, during or after the wait is seen: ZMQ_FD is
// edge-triggered, and a signal the socket consumed before the wait must
// not leave a message stranded.
func TestFDWaiterSeesEveryMessage(t *testing.T) {
	rx, tx := pairSockets(t)
	w, err := newFDWaiter(rx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	for i := 0; i < 50; i++ {
		msg := fmt.Sprint(i)
		if i%2 == 0 {
			if _, err := tx.Send(msg, 0); err != nil {
				t.Fatal(err)
			}
		} else {
			go func() { time.Sleep(time.Millisecond); _, _ = tx.Send(msg, 0) }()
		}
		if !w.waitReadable(10 * time.Second) {
			t.Fatalf("message %d never became readable", i)
		}
		got, err := rx.Recv(zmq.DONTWAIT)
		if err != nil || got != msg {
			t.Fatalf("message %d: got %q, %v", i, got, err)
		}
	}
	if w.waitReadable(20 * time.Millisecond) {
		t.Fatal("readable with nothing sent")
	}
}

// Closing a waiter ends its notify loop and leaves the socket working.
func TestFDWaiterCloseLeavesTheSocket(t *testing.T) {
	rx, tx := pairSockets(t)
	w, err := newFDWaiter(rx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { w.notify(make(chan struct{}, 1)); close(done) }()
	w.close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("notify did not return after close")
	}
	if _, err := tx.Send("after", 0); err != nil {
		t.Fatal(err)
	}
	_ = rx.SetRcvtimeo(10 * time.Second)
	if got, err := rx.Recv(0); err != nil || got != "after" {
		t.Fatalf("socket after the waiter closed: got %q, %v", got, err)
	}
}
