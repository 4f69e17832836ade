package host

import (
	"bytes"
	"io"
	"log/slog"
	"sync"
)

// logWriter turns a guest's stdout/stderr into slog lines, bounded per
// call so a chatty or hostile plugin cannot flood the host's log.
type logWriter struct {
	log    *slog.Logger
	mu     sync.Mutex
	budget int
	noted  bool
}

func newLogWriter(log *slog.Logger) *logWriter {
	return &logWriter{log: log, budget: maxLogBytesPerCall}
}

// reset restores the budget at the start of a call.
func (w *logWriter) reset() {
	w.mu.Lock()
	w.budget, w.noted = maxLogBytesPerCall, false
	w.mu.Unlock()
}

func (w *logWriter) stream(name string) io.Writer { return &streamWriter{w: w, name: name} }

type streamWriter struct {
	w    *logWriter
	name string
	line []byte
}

func (s *streamWriter) Write(p []byte) (int, error) {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, chunk := range bytes.SplitAfter(p, []byte("\n")) {
		if len(chunk) == 0 {
			continue
		}
		if len(s.line) < maxLogLine {
			s.line = append(s.line, chunk[:min(len(chunk), maxLogLine-len(s.line))]...)
		}
		if chunk[len(chunk)-1] == '\n' || len(s.line) >= maxLogLine {
			s.flush()
		}
	}
	return len(p), nil // always "succeed": the guest must not fail on logging
}

func (s *streamWriter) flush() {
	w := s.w
	line := bytes.TrimRight(s.line, "\n")
	s.line = s.line[:0]
	if w.budget <= 0 {
		if !w.noted {
			w.noted = true
			w.log.Warn("plugin output truncated", "stream", s.name, "limit_bytes", maxLogBytesPerCall)
		}
		return
	}
	w.budget -= len(line)
	w.log.Info(string(line), "stream", s.name)
}
