package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
	"isodt/qms/formschema"
	"isodt/qms/loadtest"
)

const (
	scenarioCeiling = "trivial handler (ceiling)"
	scenarioReceipt = "dossier receipt (write)"
	goalPageRead    = "≥ 15% ceiling, p99 < 50 ms"
	// pageReadShare is the least share of the ceiling a page read serves.
	pageReadShare = 0.15
)

// harness holds the logged-in clients and the work items of a load test.
type harness struct {
	// bases are the servers' addresses; worker w sends to bases[w % n],
	// or to the next one still up when that one was killed (down), as a
	// load balancer's health check would.
	bases     []string
	down      []atomic.Bool
	transport *http.Transport
	users     *benchUsers
	clients   int
	sessions  []*http.Client // worker → a staff user's browser session
	agencyOf  []string       // worker → its agency
	tokens    map[string]string
	auditorTk string
	// steps are open steps to complete, each once, dealt out per worker:
	// steps for the write scenario, mixSteps for the mixed one.
	steps, mixSteps [][]stepItem
	codes           map[string][]string // agency → dossier codes for detail pages
	// tthcs are TTHC codes each agency receives dossiers of.
	tthcs map[string][]string
	// schemas of the forms steps record on, by agency and form code.
	schemas map[string]formschema.Schema
}

type stepItem struct {
	token, code string
	body        []byte
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func newHarness(ctx context.Context, bases []string, u *benchUsers, clients int) (*harness, error) {
	h := &harness{bases: bases, down: make([]atomic.Bool, len(bases)), users: u, clients: clients, tokens: map[string]string{}, codes: map[string][]string{}, tthcs: map[string][]string{}, schemas: map[string]formschema.Schema{},
		transport: &http.Transport{MaxIdleConns: 4 * clients, MaxIdleConnsPerHost: 4 * clients, DisableCompression: true, IdleConnTimeout: time.Minute}}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	h.sessions, h.agencyOf = make([]*http.Client, clients), make([]string, clients)
	for w := 0; w < clients; w++ {
		agency := u.agencies[w%len(u.agencies)]
		staff := u.staff[agency][(w/len(u.agencies))%len(u.staff[agency])]
		h.agencyOf[w] = agency
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c, err := h.login(staff)
			mu.Lock()
			defer mu.Unlock()
			h.sessions[w] = c
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("login %s: %w", staff, err)
			}
		}(w)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	var err error
	if h.auditorTk, err = h.token(u.auditor); err != nil {
		return nil, err
	}
	// Work for the write scenario: the open steps of staff and leaders in
	// every agency, each completed by its own role, dealt round-robin to
	// the workers of that agency so no two workers touch one dossier.
	perAgency := map[string][]stepItem{}
	for _, agency := range u.agencies {
		for _, name := range []string{u.staff[agency][0], u.leaders[agency]} {
			tk, err := h.token(name)
			if err != nil {
				return nil, err
			}
			h.tokens[name] = tk
			items, codes, err := h.openSteps(ctx, agency, tk)
			if err != nil {
				return nil, err
			}
			perAgency[agency] = append(perAgency[agency], items...)
			h.codes[agency] = append(h.codes[agency], codes...)
		}
		if len(h.codes[agency]) == 0 {
			return nil, fmt.Errorf("agency %s has no open dossiers: the data set is not a province demo", agency)
		}
		if h.tthcs[agency], err = h.receivedTTHCs(h.tokens[u.staff[agency][0]]); err != nil {
			return nil, err
		}
	}
	h.steps = dealSteps(perAgency, h.agencyOf, clients)
	// Half of each worker's steps go to the mixed scenario, cut between
	// dossiers so that one dossier's steps stay in one scenario, in order.
	h.mixSteps = make([][]stepItem, clients)
	for w, items := range h.steps {
		cut := len(items) / 2
		for cut > 0 && cut < len(items) && items[cut].code == items[cut-1].code {
			cut++
		}
		h.steps[w], h.mixSteps[w] = items[:cut], items[cut:]
	}
	return h, nil
}

// dealSteps deals each agency's open steps round-robin to the clients
// of that agency (agencyOf), all the steps of one dossier to one client
// in order, so that no two clients touch one dossier. An agency without
// a client (fewer clients than agencies) gets none.
func dealSteps(perAgency map[string][]stepItem, agencyOf []string, clients int) [][]stepItem {
	steps := make([][]stepItem, clients)
	for agency, items := range perAgency {
		var ws []int
		for w := 0; w < clients; w++ {
			if agencyOf[w] == agency {
				ws = append(ws, w)
			}
		}
		if len(ws) == 0 {
			continue
		}
		owner := map[string]int{}
		for _, it := range items {
			w, ok := owner[it.code]
			if !ok {
				w = ws[len(owner)%len(ws)]
				owner[it.code] = w
			}
			steps[w] = append(steps[w], it)
		}
	}
	return steps
}

// receivedTTHCs are the distinct TTHC codes of an agency's dossiers in
// progress: procedures with a version in force that dossiers are
// received on.
func (h *harness) receivedTTHCs(token string) ([]string, error) {
	var list struct{ Dossiers []qms.Dossier }
	if err := h.api(http.MethodGet, "/api/v1/dossiers?status=in_progress", token, nil, &list); err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, d := range list.Dossiers {
		if !seen[d.TTHCCode] {
			seen[d.TTHCCode] = true
			out = append(out, d.TTHCCode)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no dossier in progress to take a TTHC from")
	}
	return out, nil
}

// login signs a user in through the login page, as a browser does.
func (h *harness) login(username string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: h.transport, Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	body, err := get(c, h.at(0)+"/login")
	if err != nil {
		return nil, err
	}
	m := csrfInput.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("no CSRF token on the login page")
	}
	resp, err := c.PostForm(h.at(0)+"/login", url.Values{"username": {username}, "password": {h.users.password}, "_csrf": {string(m[1])}})
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || strings.Contains(resp.Header.Get("Location"), "login") {
		return nil, fmt.Errorf("login answered %d", resp.StatusCode)
	}
	return c, nil
}

func (h *harness) token(username string) (string, error) {
	b, _ := json.Marshal(map[string]string{"username": username, "password": h.users.password})
	var out struct{ Token string }
	if err := h.api(http.MethodPost, "/api/v1/auth/token", "", b, &out); err != nil {
		return "", fmt.Errorf("token for %s: %w", username, err)
	}
	return out.Token, nil
}

// api sends one API request and decodes a 2xx JSON answer into out.
func (h *harness) api(method, path, token string, body []byte, out any) error {
	req, err := http.NewRequest(method, h.at(0)+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.transport.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, truncateBytes(b, 300))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func truncateBytes(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

func get(c *http.Client, target string) ([]byte, error) {
	resp, err := c.Get(target)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d", target, resp.StatusCode)
	}
	return b, nil
}

// openSteps lists a user's open steps and prepares each completion: the
// first exit of a decision, a valid entry for a step with a form.
func (h *harness) openSteps(ctx context.Context, agency, token string) ([]stepItem, []string, error) {
	var list struct{ Tasks []qms.Task }
	if err := h.api(http.MethodGet, "/api/v1/tasks", token, nil, &list); err != nil {
		return nil, nil, err
	}
	var items []stepItem
	var codes []string
	now := time.Now()
	for _, t := range list.Tasks {
		if t.Kind == string(flowchart.KindEnd) && t.DossierDue.Before(now) {
			continue // returning a late dossier needs the apology slip first: refused by design
		}
		req := map[string]any{"step_id": t.StepID, "note": "Đo tải"}
		if len(t.Exits) > 0 {
			req["exit"] = t.Exits[0]
		}
		if qms.StepSigns(qms.RoleForStep(t.Responsible)) {
			req["password"] = h.users.password // a leader's step is signed
		}
		if t.Form != "" {
			sc, err := h.formSchema(agency, token, t.Form)
			if err != nil {
				return nil, nil, err
			}
			req["entry"] = sampleEntry(sc, t.DossierCode)
		}
		body, _ := json.Marshal(req)
		items = append(items, stepItem{token: token, code: t.DossierCode, body: body})
		codes = append(codes, t.DossierCode)
	}
	return items, codes, nil
}

// formSchema fetches the schema of the version in force of a form.
func (h *harness) formSchema(agency, token, code string) (formschema.Schema, error) {
	key := agency + "/" + code
	if sc, ok := h.schemas[key]; ok {
		return sc, nil
	}
	var list struct{ Forms []qms.Form }
	if err := h.api(http.MethodGet, "/api/v1/forms", token, nil, &list); err != nil {
		return formschema.Schema{}, err
	}
	for _, f := range list.Forms {
		if f.Code != code {
			continue
		}
		var show struct{ Versions []qms.FormVersion }
		if err := h.api(http.MethodGet, fmt.Sprintf("/api/v1/forms/%d", f.ID), token, nil, &show); err != nil {
			return formschema.Schema{}, err
		}
		for _, v := range show.Versions {
			if v.Status == qms.StatusEffective {
				sc, err := formschema.Parse(v.Schema)
				h.schemas[key] = sc
				return sc, err
			}
		}
	}
	return formschema.Schema{}, fmt.Errorf("form %s has no version in force in %s", code, agency)
}

// sampleEntry fills every field with a value its schema accepts, the
// dossier's code where the form records it (the API refuses another).
func sampleEntry(sc formschema.Schema, code string) map[string]any {
	e := map[string]any{}
	known := sc.Prefill(formschema.Facts{DossierCode: code})
	for _, f := range sc.Fields {
		if v, ok := known[f.Name]; ok {
			e[f.Name] = v
			continue
		}
		switch f.Type {
		case formschema.TypeText:
			e[f.Name] = "Đạt yêu cầu"
		case formschema.TypeNumber:
			n := 1.0
			if f.Min != nil {
				n = *f.Min
			}
			e[f.Name] = n
		case formschema.TypeDate:
			e[f.Name] = time.Now().In(qms.Zone).Format("2006-01-02")
		case formschema.TypeSelect:
			if len(f.Options) > 0 {
				e[f.Name] = f.Options[0]
			}
		case formschema.TypeCheckbox:
			e[f.Name] = true
		}
	}
	return e
}

// scenarios are the measured workloads; short divides the caps for a
// quick check of the harness itself.
func (h *harness) scenarios(short int) []loadtest.Scenario {
	page := func(name string, path func(w, i int) string) loadtest.Scenario {
		return loadtest.Scenario{Name: name, Clients: h.clients, Requests: 20000 / short, Duration: 20 * time.Second, Goal: goalPageRead,
			Do: func(ctx context.Context, w, i int) error {
				_, err := getCtx(ctx, h.sessions[w], h.at(w)+path(w, i))
				return err
			}}
	}
	totalSteps, mixSteps := 0, 0
	for w := range h.steps {
		totalSteps += len(h.steps[w])
		mixSteps += len(h.mixSteps[w])
	}
	next, nextMix := make([]int, h.clients), make([]int, h.clients)
	// complete sends worker w's next step of its share; ErrDone once the
	// share is done (others go on).
	complete := func(ctx context.Context, share [][]stepItem, next []int, w int) error {
		if next[w] >= len(share[w]) {
			return loadtest.ErrDone
		}
		it := share[w][next[w]]
		next[w]++
		return h.apiCtx(ctx, w, http.MethodPost, "/api/v1/dossiers/"+it.code+"/steps", it.token, it.body)
	}
	pages := []func(w, i int) string{
		func(w, i int) string { return "/tasks" },
		func(w, i int) string {
			return fmt.Sprintf("/dossiers?status=%s&page=%d", []string{"in_progress", "completed"}[i%2], 1+i%5)
		},
		func(w, i int) string {
			codes := h.codes[h.agencyOf[w]]
			return "/dossiers/" + codes[i%len(codes)]
		},
	}
	// The mixed scenario's writers share out the steps set apart for it.
	mixShares := make([][]stepItem, mixWriters(h.clients))
	for w, items := range h.mixSteps {
		mixShares[w%len(mixShares)] = append(mixShares[w%len(mixShares)], items...)
	}
	quarterFrom, quarterTo := lastQuarter(time.Now())
	return []loadtest.Scenario{
		{Name: scenarioCeiling, Clients: h.clients, Requests: 60000 / short, Duration: 15 * time.Second,
			Do: func(ctx context.Context, w, i int) error {
				_, err := getCtx(ctx, h.sessions[w], h.at(w)+"/healthz")
				return err
			}},
		page("staff task list (/tasks)", pages[0]),
		page("dossier list, filtered", pages[1]),
		page("dossier detail", pages[2]),
		h.mixed(pages, mixShares, nextMix, complete, short),
		{Name: "complete a step (write)", Clients: h.clients, Requests: totalSteps / short, Duration: 60 * time.Second,
			Goal: "≥ 2,000/s, 0 errors", Check: func(r loadtest.Result) bool { return r.Errors == 0 && r.ReqPerSec >= 2000 },
			Do: func(ctx context.Context, w, i int) error { return complete(ctx, h.steps, next, w) }},
		// What a one-stop system pushes for every dossier: every other
		// receipt carries the system's own code, the rest are numbered.
		{Name: scenarioReceipt, Clients: h.clients, Requests: 40000 / short, Duration: 20 * time.Second,
			Goal: "≥ 2,000/s, p99 < 50 ms, 0 errors", Check: func(r loadtest.Result) bool { return r.Errors == 0 && r.ReqPerSec >= 2000 && r.P99Ms < 50 },
			Do: func(ctx context.Context, w, i int) error {
				agency := h.agencyOf[w]
				tthcs := h.tthcs[agency]
				req := map[string]any{"tthc_code": tthcs[i%len(tthcs)], "channel": "online",
					"applicant": map[string]string{"name": "Người nộp đo tải", "phone": "0912345678"}}
				if i%2 == 0 {
					req["code"] = fmt.Sprintf("%s-MC-%08d", agency, i)
				}
				body, _ := json.Marshal(req)
				return h.apiCtx(ctx, w, http.MethodPost, "/api/v1/dossiers", h.tokens[h.users.staff[agency][0]], body)
			}},
		{Name: "on-time report, a quarter", Clients: 4, Requests: 200 / short, Duration: 30 * time.Second,
			Goal: "p99 < 200 ms", Check: func(r loadtest.Result) bool { return r.Errors == 0 && r.P99Ms < 200 },
			Do: func(ctx context.Context, w, i int) error {
				c := h.sessions[i%h.clients]
				_, err := getCtx(ctx, c, h.at(w)+"/reports/ontime?from="+quarterFrom+"&to="+quarterTo)
				return err
			}},
		{Name: "compliance scan, province", Clients: 1, Requests: max(1, 3/short), Duration: 60 * time.Second,
			Goal: "< 5 s", Check: func(r loadtest.Result) bool { return r.Errors == 0 && r.MaxMs < 5000 },
			Do: func(ctx context.Context, w, i int) error {
				return h.apiCtx(ctx, w, http.MethodPost, "/api/v1/checks/run", h.auditorTk, nil)
			}},
		{Name: "catalogue import, 3,000 rows", Clients: 1, Requests: max(1, 3/short), Duration: 60 * time.Second,
			Do: func(ctx context.Context, w, i int) error {
				agency := h.users.agencies[0]
				tk, ok := h.tokens[h.users.officers[agency]]
				if !ok {
					var err error
					if tk, err = h.token(h.users.officers[agency]); err != nil {
						return err
					}
					h.tokens[h.users.officers[agency]] = tk
				}
				return h.apiCtx(ctx, w, http.MethodPost, "/api/v1/tthc/import?name=danh-muc.csv", tk, catalogueCSV(3000))
			}},
	}
}

// mixWriters is how many of the mixed scenario's clients complete steps:
// a fifth, rounded.
func mixWriters(clients int) int { return max(1, (clients+2)/5) }

// mixed is staff reading pages while steps are completed, all at once:
// four clients in five read the three pages in turn, one in five
// completes steps one after another. A fifth of the requests could not
// be the reading: 1,500 steps/s would then need 7,500 requests/s in all,
// twice what the pages alone are asked for; a fifth of the clients
// writing is what the goal can mean.
func (h *harness) mixed(pages []func(w, i int) string, shares [][]stepItem, next []int,
	complete func(ctx context.Context, share [][]stepItem, next []int, w int) error, short int) loadtest.Scenario {
	writers := len(shares)
	readers := h.clients - writers
	steps := 0
	for _, s := range shares {
		steps += len(s)
	}
	return loadtest.Scenario{Name: fmt.Sprintf("mixed: %d clients read, %d complete steps", readers, writers), Clients: h.clients,
		Requests: 20000/short + steps/short, Duration: 20 * time.Second,
		Goal: "p99 < 100 ms, 0 errors, steps ≥ 1,500/s", Kinds: []string{"page read", "step completion"},
		Kind: func(w, i int) int {
			if w >= readers {
				return 1
			}
			return 0
		},
		Check: func(r loadtest.Result) bool {
			steps, _ := r.Kind("step completion")
			return r.Errors == 0 && r.P99Ms < 100 && steps.ReqPerSec >= 1500
		},
		Do: func(ctx context.Context, w, i int) error {
			if w >= readers {
				return complete(ctx, shares, next, w-readers)
			}
			_, err := getCtx(ctx, h.sessions[w], h.at(w)+pages[i%len(pages)](w, i))
			return err
		}}
}

func getCtx(ctx context.Context, c *http.Client, target string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d", req.URL.Path, resp.StatusCode)
	}
	return n, err
}

func (h *harness) apiCtx(ctx context.Context, w int, method, path, token string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, method, h.at(w)+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := h.transport.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, truncateBytes(b, 300))
	}
	return nil
}

// at is the server worker w sends to: its own, or the next one up.
func (h *harness) at(w int) string {
	for k := range h.bases {
		if i := (w + k) % len(h.bases); !h.down[i].Load() {
			return h.bases[i]
		}
	}
	return h.bases[w%len(h.bases)]
}

// lastQuarter is the calendar quarter before the one containing t.
func lastQuarter(t time.Time) (from, to string) {
	t = t.In(qms.Zone)
	q := (int(t.Month()) - 1) / 3
	start := time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, qms.Zone).AddDate(0, -3, 0)
	return start.Format("2006-01-02"), start.AddDate(0, 3, -1).Format("2006-01-02")
}

// catalogueCSV is a TTHC catalogue of n rows in the portal's columns.
func catalogueCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("code,name,field,time_limit_days,fee,legal_basis,published_by,published_on,status\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "2.%06d,Thủ tục đo tải số %d,Lĩnh vực %d,%d,,Nghị định 61/2018/NĐ-CP,Quyết định 200/QĐ-UBND,2025-01-15,active\n", i, i, i%12, 3+i%20)
	}
	return b.Bytes()
}
