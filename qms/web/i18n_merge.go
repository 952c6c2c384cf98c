package web

import "isodt/qms"

// Agencies that merge (issue #16 item 1): the English name of the
// compliance rule for procedures a merge brought and nobody reissued.
func init() {
	domainEnglish["rule."+qms.RuleMergedNotReissued] = "Procedure received in a merger not yet reissued"
	domainEnglish["rule."+qms.RuleTTHCGovernedTwice] = "Administrative procedure under two procedures in force"
}
