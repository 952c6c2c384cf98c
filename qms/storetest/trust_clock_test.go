package storetest_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"isodt/qms"
	"isodt/qms/postgres"
)

// trustClockScenario writes, the way the application does, a row of each
// table RowStateVersion 7 covers: the TTHC catalogue (the receipt
// fixture's import, and one TTHC updated by a second import), a day off
// in the calendar, and the agency's clock settings.
func trustClockScenario(t *testing.T, f *fixture) (staff context.Context) {
	t.Helper()
	staff, _, _ = receiptFixture(t, f)
	if err := f.ReceiveDossier(staff, &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Lê Văn Cường"}, Channel: qms.ChannelCounter}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCalendarOverride(f.ctx, qms.CalendarOverride{Date: "2026-09-03", Kind: "off", Name: "Nghỉ bù Quốc khánh"}, false); err != nil {
		t.Fatal(err)
	}
	if err := f.SetAgencySettings(f.ctx, "SVHTT", qms.ClockRestart, "07:30-11:30,13:30-17:00"); err != nil {
		t.Fatal(err)
	}
	tt, err := f.FindTTHC(f.ctx, "SVHTT", "1.000001")
	if err != nil {
		t.Fatal(err)
	}
	tt.TimeLimitDays++
	if _, _, err := f.ImportTTHC(f.ctx, "SVHTT", []qms.TTHC{*tt}); err != nil {
		t.Fatal(err)
	}
	if got := namedRows(t, f, f.ctx); got != nil {
		t.Fatalf("after the application's own writes: named %q", got)
	}
	return staff
}

// TestTrust9ClockInputsWrittenOutsideTheApp: what the due times are
// counted from, changed with the database alone (a TTHC's legal time
// limit raised, a day off made up, the agency's clock mode switched), is
// named by `qms audit verify`, also after a receipt that used it.
func TestTrust9ClockInputsWrittenOutsideTheApp(t *testing.T) {
	tests := []struct {
		name, sql, want string
	}{
		{"time limit raised", `UPDATE tthc SET time_limit_days = 60 WHERE agency_code = 'SVHTT' AND code = '1.000001'`,
			qms.RowAltered + " tthc thủ tục hành chính 1.000001 của SVHTT"},
		{"day off made up", `INSERT INTO calendar_overrides (date, kind, name) VALUES ('2026-12-10', 'off', 'Nghỉ')`,
			qms.RowAdded + " calendar_overrides ngày 2026-12-10 (off) trong lịch làm việc"},
		{"clock mode switched", `UPDATE agency_settings SET clock_mode = 'resume' WHERE agency_code = 'SVHTT'`,
			qms.RowAltered + " agency_settings giờ làm việc và cách tính tạm dừng của SVHTT"},
		{"working hours widened", `UPDATE agency_settings SET working_hours = '00:00-23:59' WHERE agency_code = 'SVHTT'`,
			qms.RowAltered + " agency_settings giờ làm việc và cách tính tạm dừng của SVHTT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				staff := trustClockScenario(t, f)
				mustExec(t, f, tt.sql)
				want := []string{tt.want}
				if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
					t.Fatalf("after tampering: named %q, want %q", got, want)
				}
				// A receipt counted on it does not record it as its own.
				if err := f.ReceiveDossier(staff, &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Trần Thị Bình"}, Channel: qms.ChannelCounter}); err != nil {
					t.Fatal(err)
				}
				if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
					t.Fatalf("after a receipt: named %q, want %q", got, want)
				}
			})
		})
	}
}

// TestTrust9RebaselineOnUpgrade: migration 0065 (PostgreSQL 0042) starts
// covering the TTHC catalogue, the calendar and the agencies' clock
// settings. A database of the release before upgrades with every row of
// them recorded as found (the trail before holds no state of theirs), and
// verification goes on from there.
func TestTrust9RebaselineOnUpgrade(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		trustClockScenario(t, f)
		// The fresh database's own upgrade found the tables empty: its
		// baseline entry of no rows is not in the trail of the release
		// before.
		backToRelease(t, f, f.ctx, []string{"tthc", "calendar_overrides", "agency_settings"}, "0065_trust_clock_inputs", "0042_trust_clock_inputs",
			`UPDATE audit_log SET after_json = '{"rows":0}' WHERE action = 'audit.baseline' AND after_json LIKE '%"version":7}%'`)
		var total int
		fmt.Sscan(mustQuery(t, f, `SELECT (SELECT COUNT(*) FROM tthc) + (SELECT COUNT(*) FROM calendar_overrides) + (SELECT COUNT(*) FROM agency_settings)`)[0], &total)
		upgraded := f.second(t)
		checkRebaselined(t, upgraded, f.ctx, 7, nil, total)
		mustExec(t, f, `UPDATE tthc SET time_limit_days = 60 WHERE agency_code = 'SVHTT' AND code = '1.000001'`)
		if got := namedRows(t, upgraded, f.ctx); !slices.Equal(got, []string{qms.RowAltered + " tthc thủ tục hành chính 1.000001 của SVHTT"}) {
			t.Fatalf("a time limit raised after the upgrade: named %q", got)
		}
	})
}

// TestTrust9UpgradeRunAgainVouchesForNothing: migration 0065 (PostgreSQL
// 0042) run again, its row deleted and its triggers dropped with the
// file, records as found none of the rows put in since: not even those of
// a table it had found empty, whose rows the trail never recorded
// (outsider pass 22 had an agency's clock mode laundered this way).
func TestTrust9UpgradeRunAgainVouchesForNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		receiptFixture(t, f)
		if got := mustQuery(t, f, `SELECT COUNT(*) FROM agency_settings`); got[0] != "0" {
			t.Fatalf("agency settings before: %v, want none", got)
		}
		backToRelease(t, f, f.ctx, nil, "0065_trust_clock_inputs", "0042_trust_clock_inputs")
		for _, table := range []string{"tthc", "calendar_overrides", "agency_settings"} {
			if _, pg := f.Store.(*postgres.DB); pg {
				mustExec(t, f, `DROP TRIGGER `+table+`_row ON `+table)
				continue
			}
			for _, op := range []string{"insert", "update", "delete"} {
				mustExec(t, f, `DROP TRIGGER `+table+`_row_`+op)
			}
		}
		mustExec(t, f, `INSERT INTO agency_settings (agency_code, clock_mode, working_hours) VALUES ('SVHTT', 'restart', '07:30-11:30,13:30-17:00')`)
		mustExec(t, f, `INSERT INTO calendar_overrides (date, kind, name) VALUES ('2026-12-09', 'off', 'x')`)
		upgraded := f.second(t)
		want := []string{
			qms.RowAdded + " agency_settings giờ làm việc và cách tính tạm dừng của SVHTT",
			qms.RowAdded + " calendar_overrides ngày 2026-12-09 (off) trong lịch làm việc",
		}
		got := namedRows(t, upgraded, f.ctx)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("after the migration ran again: named %q, want %q", got, want)
		}
	})
}
