package web

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/policies"
	"isodt/qms"
)

// TestOneSource6cActorOnceAtAuthentication: authenticate puts the caller's
// actor into the request context, so a handler hands c.UserContext() to
// the store and the audit trail names the caller, for a session cookie and
// for an API token alike.
func TestOneSource6cActorOnceAtAuthentication(t *testing.T) {
	ctx := context.Background()
	db := OpenStoreUnderTest(t, filepath.Join(t.TempDir(), "qms.db"), time.Now)
	rules, _ := policies.Default()
	if _, err := db.Bootstrap(ctx, rules); err != nil {
		t.Fatal(err)
	}
	admin, err := db.FindUserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	agency := admin.Agencies()[0]
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	cookie, _, err := db.CreateSession(sys, admin.ID, agency)
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := db.CreateAPIToken(sys, admin.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}

	s := &Server{Deps: Deps{Auth: db, Users: db}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	app := fiber.New()
	app.Use(s.authenticate)
	whoami := func(c *fiber.Ctx) error {
		a, ok := qms.ActorFrom(c.UserContext())
		if !ok {
			return c.SendString("no actor")
		}
		return c.SendString(a.Username + "@" + a.AgencyCode)
	}
	app.Get("/whoami", whoami)
	app.Get("/api/whoami", whoami)

	tests := []struct {
		name, path, header, value, want string
	}{
		{"session cookie", "/whoami", "Cookie", sessionCookie + "=" + cookie, "admin@" + agency},
		{"API token", "/api/whoami", "Authorization", "Bearer " + secret, "admin@" + agency},
		{"anonymous", "/whoami", "", "", "no actor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.path, nil)
			if tt.header != "" {
				req.Header.Set(tt.header, tt.value)
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if string(body) != tt.want {
				t.Errorf("actor in request context = %q, want %q", body, tt.want)
			}
		})
	}
}
