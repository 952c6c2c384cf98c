package postgres

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"isodt/qms"
)

// Bootstrap makes a fresh database usable: agency SYS, user admin with a
// random password (returned so the caller prints it once), the default
// policy and the standard forms shipped in forms/. On a database that has
// them it changes nothing and returns "".
func (db *DB) Bootstrap(ctx context.Context, defaultPolicy [][]string) (adminPassword string, err error) {
	ctx = qms.WithActor(ctx, qms.SystemActor("bootstrap"))
	if _, err := db.SeedPolicy(ctx, defaultPolicy); err != nil {
		return "", err
	}
	if _, err := db.FindAgencyByCode(ctx, qms.SystemAgencyCode); qms.ErrorCode(err) == qms.ENOTFOUND {
		if err := db.CreateAgency(ctx, &qms.Agency{Code: qms.SystemAgencyCode, Name: "Quản trị hệ thống"}); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	if err := db.SeedForms(ctx); err != nil {
		return "", fmt.Errorf("standard forms: %w", err)
	}
	if _, err := db.FindUserByUsername(ctx, "admin"); qms.ErrorCode(err) != qms.ENOTFOUND {
		return "", err
	}
	b := make([]byte, 12)
	rand.Read(b)
	adminPassword = base64.RawURLEncoding.EncodeToString(b)
	u := &qms.User{Username: "admin", FullName: "Quản trị hệ thống",
		Memberships: []qms.Membership{{AgencyCode: qms.SystemAgencyCode, Role: qms.RoleAdmin}}}
	if err := db.CreateUser(ctx, u, adminPassword); err != nil {
		return "", err
	}
	return adminPassword, nil
}
