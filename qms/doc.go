// Package qms is the domain of the ISO điện tử quality management system:
// agencies (đơn vị), users and their roles, the audit trail, and the rules
// that govern them. It is plain Go: no SQL, HTTP, Casbin or cron imports.
//
// Technology lives in subpackages that import this one (qms/sqlite,
// qms/web, qms/authz, qms/jobs) and pure logic in its own packages
// (qms/calendar, qms/flowchart, qms/bpmn). Only cmd/qms wires them.
//
//	store, _ := sqlite.Open(ctx, "data/qms.db")
//	ctx = qms.WithActor(ctx, qms.SystemActor("cli"))
//	err := store.CreateAgency(ctx, &qms.Agency{Code: "STTTT", Name: "Sở Thông tin và Truyền thông"})
package qms
