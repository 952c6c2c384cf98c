package web

import "isodt/qms"

// The domain names some things in Vietnamese (qms.ClauseLibrary, the
// titles of TCVN ISO 9001:2015's clauses; qms.Rules, the compliance
// rules): that text is their source, and pages in Vietnamese show it as
// it is. Other languages name them here, by code.
var domainEnglish = map[string]string{
	// The scheduled jobs cmd/qms wires, by name (their titles are Vietnamese).
	"job.compliance": "Compliance scan, every rule", "job.deadlines": "Watch over dossier deadlines",
	"job.reminders": "Reminders of document reviews and corrective actions", "job.backup": "Database backup",
	"job.audit-verify": "Check the audit log's hash chain and sign its head",
	"clause.4.1":       "Understanding the organization and its context", "clause.4.2": "Needs and expectations of interested parties",
	"clause.4.3": "Scope of the QMS", "clause.4.4": "QMS and its processes",
	"clause.5.1": "Leadership and commitment", "clause.5.2": "Quality policy", "clause.5.3": "Roles, responsibilities and authorities",
	"clause.6.1": "Actions to address risks and opportunities", "clause.6.2": "Quality objectives", "clause.6.3": "Planning of changes",
	"clause.7.1": "Resources", "clause.7.2": "Competence", "clause.7.3": "Awareness", "clause.7.4": "Communication",
	"clause.7.5": "Documented information", "clause.8.1": "Operational planning and control", "clause.8.2": "Requirements for services",
	"clause.8.4": "Control of externally provided processes", "clause.8.5": "Service provision", "clause.8.6": "Release of services",
	"clause.8.7": "Control of nonconforming outputs", "clause.9.1": "Monitoring, measurement, analysis and evaluation",
	"clause.9.2": "Internal audit", "clause.9.3": "Management review", "clause.10.2": "Nonconformity and corrective action",
	"clause.10.3": "Continual improvement",

	"rule." + qms.RuleTTHCNotControlled:  "Administrative procedure not under ISO control",
	"rule." + qms.RuleFormNotEffective:   "Procedure in force uses a form not in force",
	"rule." + qms.RuleFlowchartOverLimit: "The steps take longer than the legal time limit",
	"rule." + qms.RuleReviewOverdue:      "Document overdue for its periodic review",
	"rule." + qms.RuleDossierOverdue:     "Dossier overdue",
	"rule." + qms.RuleStepOverdue:        "Dossier step over its time",
	"rule." + qms.RuleLateWithoutApology: "Late dossier without an apology slip and new appointment",
	"rule." + qms.RuleStepMissingRecord:  "Completed step without its form record",
	"rule." + qms.RuleRecordWrongVersion: "Record made on a form version no longer in force",
	"rule." + qms.RuleAuditChainBroken:   "Audit log altered or deleted",
	"rule." + qms.RuleCAPAOverdue:        "Corrective action overdue",
}

// domainName is the name of a clause or rule in lang: the domain's own in
// Vietnamese (or where no translation exists), else domainEnglish's.
func domainName(lang, key, vietnamese string) string {
	if lang != "vi" {
		if v, ok := domainEnglish[key]; ok {
			return v
		}
	}
	return vietnamese
}

// clauseTitles and ruleTitles are the domain's names by code.
var clauseTitles, ruleTitles = func() (map[string]string, map[string]string) {
	cs, rs := map[string]string{}, map[string]string{}
	for _, c := range qms.ClauseLibrary {
		cs[c.Code] = c.Title
	}
	for _, r := range qms.Rules {
		rs[r.Code] = r.Title
	}
	return cs, rs
}()
