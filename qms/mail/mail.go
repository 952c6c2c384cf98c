// Package mail sends the QMS's notifications by e-mail through a
// configured SMTP server (net/smtp, with STARTTLS when the server offers
// it and PLAIN auth when a user is set).
package mail

import (
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// Config is the SMTP server to use; an empty Addr means no e-mail.
type Config struct {
	Addr     string // host:port
	From     string
	Username string
	Password string
	BaseURL  string // to make links absolute, e.g. https://iso.example.gov.vn
}

// Sender sends plain-text messages.
type Sender struct{ cfg Config }

// New returns nil when no server is configured.
func New(cfg Config) *Sender {
	if cfg.Addr == "" {
		return nil
	}
	return &Sender{cfg: cfg}
}

// Send delivers one message with a UTF-8 subject and body.
func (s *Sender) Send(to, subject, body string) error {
	if strings.ContainsAny(to, "\r\n") || !strings.Contains(to, "@") {
		return fmt.Errorf("bad recipient %q", to)
	}
	host, _, err := net.SplitHostPort(s.cfg.Addr)
	if err != nil {
		return err
	}
	var auth smtp.Auth
	if s.cfg.Username != "" {
		auth = smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, host)
	}
	msg := strings.Join([]string{
		"From: " + s.cfg.From,
		"To: " + to,
		"Subject: " + mime.QEncoding.Encode("utf-8", subject),
		"Date: " + time.Now().Format(time.RFC1123Z),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: 8bit",
		"", body, "",
	}, "\r\n")
	return smtp.SendMail(s.cfg.Addr, auth, s.cfg.From, []string{to}, []byte(msg))
}

// Link makes an app path absolute for the e-mail.
func (s *Sender) Link(path string) string { return strings.TrimRight(s.cfg.BaseURL, "/") + path }
