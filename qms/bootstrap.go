package qms

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// Bootstrapper is what a store needs to make a fresh database usable.
type Bootstrapper interface {
	SeedPolicy(ctx context.Context, rules [][]string) (int, error)
	SeedForms(ctx context.Context) error
	FindAgencyByCode(ctx context.Context, code string) (*Agency, error)
	CreateAgency(ctx context.Context, a *Agency) error
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	CreateUser(ctx context.Context, u *User, password string) error
}

// Bootstrap makes a fresh database usable: agency SYS, user admin with a
// random password (returned so the caller prints it once), the default
// policy and the standard forms shipped in forms/. On a database that
// has them it changes nothing and returns "".
func Bootstrap(ctx context.Context, db Bootstrapper, defaultPolicy [][]string) (adminPassword string, err error) {
	ctx = WithActor(ctx, SystemActor("bootstrap"))
	if _, err := db.SeedPolicy(ctx, defaultPolicy); err != nil {
		return "", err
	}
	if _, err := db.FindAgencyByCode(ctx, SystemAgencyCode); ErrorCode(err) == ENOTFOUND {
		if err := db.CreateAgency(ctx, &Agency{Code: SystemAgencyCode, Name: "Quản trị hệ thống"}); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	if err := db.SeedForms(ctx); err != nil {
		return "", fmt.Errorf("standard forms: %w", err)
	}
	if _, err := db.FindUserByUsername(ctx, "admin"); ErrorCode(err) != ENOTFOUND {
		return "", err
	}
	b := make([]byte, 12)
	rand.Read(b)
	adminPassword = base64.RawURLEncoding.EncodeToString(b)
	u := &User{Username: "admin", FullName: "Quản trị hệ thống",
		Memberships: []Membership{{AgencyCode: SystemAgencyCode, Role: RoleAdmin}}}
	if err := db.CreateUser(ctx, u, adminPassword); err != nil {
		return "", err
	}
	return adminPassword, nil
}
