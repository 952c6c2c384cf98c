package postgres

import "isodt/qms"

// The services this store implements, all those of qms/sqlite; the
// compiler holds it to each (and cmd/qms to everything a command uses).
var (
	_ qms.AgencyService = (*DB)(nil)
	_ qms.UserService   = (*DB)(nil)
	_ qms.AuthService   = (*DB)(nil)
	_ qms.AuditService  = (*DB)(nil)
	_ qms.ChangeFeed    = (*DB)(nil)

	_ qms.NotificationService = (*DB)(nil)
	_ qms.ObjectiveService    = (*DB)(nil)
	_ qms.NCService           = (*DB)(nil)
	_ qms.RiskService         = (*DB)(nil)

	_ qms.InternalAuditService = (*DB)(nil)
	_ qms.ContextService       = (*DB)(nil)
	_ qms.ProviderService      = (*DB)(nil)
	_ qms.FeedbackService      = (*DB)(nil)
	_ qms.SatisfactionService  = (*DB)(nil)
	_ qms.ReviewService        = (*DB)(nil)
	_ qms.DashboardService     = (*DB)(nil)

	_ qms.DistributionService = (*DB)(nil)
	_ qms.DeclarationService  = (*DB)(nil)

	_ qms.FormService       = (*DB)(nil)
	_ qms.CompetenceService = (*DB)(nil)
	_ qms.SignatureService  = (*DB)(nil)

	_ qms.DossierService   = (*DB)(nil)
	_ qms.ProcedureService = (*DB)(nil)

	_ qms.ComplianceService = (*DB)(nil)

	_ qms.AgencyMerger   = (*DB)(nil)
	_ qms.AgencySplitter = (*DB)(nil)
)
