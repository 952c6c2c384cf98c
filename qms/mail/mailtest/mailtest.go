// Package mailtest is a minimal SMTP server for tests: the SMTP server is
// outside our control, so it is the one thing the tests fake.
package mailtest

import (
	"bufio"
	"net"
	"strings"
	"sync"
)

// Server accepts connections on 127.0.0.1 and keeps every message.
type Server struct {
	Addr string
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
}

// Start listens on a free port.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s, nil
}

// Close stops listening.
func (s *Server) Close() error { return s.ln.Close() }

// Messages returns the messages received so far.
func (s *Server) Messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.msgs...)
}

func (s *Server) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := func(line string) { c.Write([]byte(line + "\r\n")) }
	w("220 mailtest ESMTP")
	var data strings.Builder
	inData := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if inData {
			if line == ".\r\n" {
				inData = false
				s.mu.Lock()
				s.msgs = append(s.msgs, data.String())
				s.mu.Unlock()
				data.Reset()
				w("250 OK")
			} else {
				data.WriteString(line)
			}
			continue
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			w("250 mailtest")
		case cmd == "DATA":
			inData = true
			w("354 go on")
		case cmd == "QUIT":
			w("221 bye")
			return
		default:
			w("250 OK")
		}
	}
}
