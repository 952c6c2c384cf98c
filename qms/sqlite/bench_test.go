package sqlite_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/sqlite"
)

// BenchmarkReceiveDossier measures receipts through the whole domain path:
// pin the procedure version, compute the due time, write the dossier, its
// first step, its open steps and the audit entry, each in its own durable
// transaction.
func BenchmarkReceiveDossier(b *testing.B) {
	db, _, sys := openDB(b)
	staff, _ := effectiveProcedure(b, db, sys)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelOnline}
		if err := db.ReceiveDossier(staff, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "dossiers/s")
}

// bigDB is one database with 1,000,000 dossiers (20 agencies × 50,000),
// built once per benchmark run: generating it is not what is measured.
var bigDB struct {
	once sync.Once
	db   *sqlite.DB
	err  error
	dir  string
}

func millionDossiers(b *testing.B) *sqlite.DB {
	bigDB.once.Do(func() {
		bigDB.dir, bigDB.err = os.MkdirTemp("", "qms-bench-")
		if bigDB.err != nil {
			return
		}
		ctx := context.Background()
		db, err := sqlite.Open(ctx, filepath.Join(bigDB.dir, "qms.db"), sqlite.Options{PasswordCost: bcrypt.MinCost})
		if err != nil {
			bigDB.err = err
			return
		}
		rules, _ := policies.Default()
		if _, err := db.Bootstrap(ctx, rules); err != nil {
			bigDB.err = err
			return
		}
		sys := qms.WithActor(ctx, qms.SystemActor("bench"))
		rng := rand.New(rand.NewSource(1))
		start := time.Date(2025, 1, 1, 1, 0, 0, 0, time.UTC)
		for a := 0; a < 20; a++ {
			code := fmt.Sprintf("AG%02d", a)
			if err := db.CreateAgency(sys, &qms.Agency{Code: code, Name: "Đơn vị " + code}); err != nil {
				bigDB.err = err
				return
			}
			rows := make([]sqlite.DossierImport, 0, 50000)
			for i := 0; i < 50000; i++ {
				received := start.Add(time.Duration(rng.Int63n(int64(600 * 24 * time.Hour))))
				due := received.Add(time.Duration(3+rng.Intn(20)) * 24 * time.Hour)
				r := sqlite.DossierImport{Code: fmt.Sprintf("%s-%07d", code, i), TTHCCode: fmt.Sprintf("1.%06d", rng.Intn(150)), ReceivedAt: received, DueAt: due, Status: qms.DossierInProgress}
				if rng.Intn(10) > 0 {
					done := received.Add(time.Duration(rng.Int63n(int64(due.Sub(received)) * 11 / 10)))
					r.CompletedAt, r.Status = &done, qms.DossierCompleted
				}
				rows = append(rows, r)
			}
			// 150 TTHC per agency: 3,000 in the province.
			tthcs := make([]qms.TTHC, 0, 150)
			for k := 0; k < 150; k++ {
				tthcs = append(tthcs, qms.TTHC{Code: fmt.Sprintf("1.%06d", k), Name: fmt.Sprintf("Thủ tục số %d", k), Field: "Lĩnh vực " + strconv.Itoa(k%12), TimeLimitDays: 3 + k%20})
			}
			if _, _, err := db.ImportTTHC(sys, code, tthcs); err != nil {
				bigDB.err = err
				return
			}
			if _, err := db.ImportDossiers(sys, code, rows); err != nil {
				bigDB.err = err
				return
			}
		}
		bigDB.db = db
	})
	if bigDB.err != nil {
		b.Fatal(bigDB.err)
	}
	return bigDB.db
}

// BenchmarkOnTimeReport1M: one agency's quarterly report over a database of
// 1,000,000 dossiers (goal: < 200 ms).
func BenchmarkOnTimeReport1M(b *testing.B) {
	if testing.Short() {
		b.Skip("builds 1,000,000 dossiers")
	}
	db := millionDossiers(b)
	from := time.Date(2025, 4, 1, 0, 0, 0, 0, qms.Zone)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		reps, err := db.OnTime(context.Background(), "AG07", from, from.AddDate(0, 3, 0), "")
		if err != nil || reps[""].Completed == 0 {
			b.Fatalf("report: %v %+v", err, reps)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
}

// BenchmarkComplianceScan: every rule over 20 agencies, 3,000 TTHC and
// 1,000,000 dossiers (goal: < 5 s). The first run opens the findings; the
// runs measured after it reconcile them, as the daily job does.
func BenchmarkComplianceScan(b *testing.B) {
	if testing.Short() {
		b.Skip("builds 1,000,000 dossiers")
	}
	db := millionDossiers(b)
	ctx := qms.WithActor(context.Background(), qms.SystemActor("bench"))
	if _, err := db.RunChecks(ctx, qms.CheckScope{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var res qms.CheckResult
	for i := 0; i < b.N; i++ {
		var err error
		if res, err = db.RunChecks(ctx, qms.CheckScope{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/scan")
	b.ReportMetric(float64(res.Open), "open-findings")
}
