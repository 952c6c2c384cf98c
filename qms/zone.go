package qms

import (
	"time"
	_ "time/tzdata" // Zone must load also on hosts without zoneinfo (minimal containers, Windows)
)

// Zone is Asia/Ho_Chi_Minh, the one zone of the whole system: times are
// stored in UTC and counted, shown and parsed here. Every package uses this
// value rather than loading the zone itself. The fixed UTC+7 fallback is
// exact: Vietnam has kept UTC+7 without daylight saving since 1975.
var Zone = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}()
