package main

import (
	"flag"
	"net/url"
	"regexp"
	"strings"

	"isodt/qms"
)

// libpqKeywords finds a key=value connection string (host=… dbname=…).
var libpqKeywords = regexp.MustCompile(`(^|\s)(host|hostaddr|port|dbname|user|password|sslmode|service)\s*=`)

// dbKind is the store a --db / QMS_DB value selects.
type dbKind string

const (
	dbSQLite   dbKind = "sqlite"
	dbPostgres dbKind = "postgres"
)

// dbConfig is a parsed --db / QMS_DB value.
type dbConfig struct {
	Kind dbKind
	Path string // SQLite: the database file
	URL  string // PostgreSQL: the connection URL, password included
}

// parseDB reads a --db value: "sqlite:PATH" or a bare path is SQLite
// (the default), "postgres://…" or "postgresql://…" is PostgreSQL. Any
// other scheme is refused. Errors never repeat the value: a URL may hold
// a password.
func parseDB(s string) (dbConfig, error) {
	s = strings.TrimSpace(s)
	scheme, rest, hasScheme := strings.Cut(s, ":")
	switch {
	case s == "":
		return dbConfig{}, qms.FieldError("db", "Chưa chỉ định cơ sở dữ liệu: --db hoặc QMS_DB (đường dẫn tệp SQLite, sqlite:ĐƯỜNG_DẪN hoặc postgres://…).")
	case hasScheme && strings.EqualFold(scheme, "sqlite"):
		// sqlite:///var/qms.db and sqlite://data/qms.db read as URLs do.
		path := strings.TrimPrefix(rest, "//")
		if path == "" {
			return dbConfig{}, qms.FieldError("db", "--db sqlite: cần đường dẫn tệp sau \"sqlite:\", ví dụ sqlite:data/qms.db.")
		}
		return dbConfig{Kind: dbSQLite, Path: path}, nil
	case hasScheme && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql")):
		if _, err := url.Parse(s); err != nil || !strings.HasPrefix(rest, "//") {
			return dbConfig{}, qms.FieldError("db", "--db: địa chỉ PostgreSQL không hợp lệ; dạng đúng: postgres://NGƯỜI_DÙNG@MÁY:5432/TÊN_CSDL.")
		}
		return dbConfig{Kind: dbPostgres, URL: s}, nil
	case libpqKeywords.MatchString(s):
		// Read as a path, it would create a SQLite file named after the
		// connection string, password and all.
		return dbConfig{}, qms.FieldError("db", "--db: chuỗi kết nối dạng host=… dbname=… không được hỗ trợ; dùng postgres://NGƯỜI_DÙNG@MÁY:5432/TÊN_CSDL (mật khẩu qua biến môi trường PGPASSWORD).")
	case hasScheme && strings.HasPrefix(rest, "//"):
		return dbConfig{}, qms.FieldError("db", "--db: không hỗ trợ cơ sở dữ liệu %q; dùng đường dẫn tệp SQLite, sqlite:ĐƯỜNG_DẪN hoặc postgres://….", scheme)
	}
	return dbConfig{Kind: dbSQLite, Path: s}, nil
}

// redactURL is a PostgreSQL URL without its password, for messages and
// help texts; anything else is returned as it is.
func redactURL(s string) string {
	if cfg, err := parseDB(s); err == nil && cfg.Kind == dbPostgres {
		if u, err := url.Parse(cfg.URL); err == nil {
			return u.Redacted()
		}
	}
	return s
}

// dbFlag is the --db flag. It holds the SQLite path or the PostgreSQL
// URL the commands open;
// a value it cannot serve is kept as err, which parse returns once the
// flags are read (the flag package would print the value, password
// and all).
type dbFlag struct {
	path *string
	err  error
}

func (f *dbFlag) String() string {
	if f.path == nil {
		return ""
	}
	return redactURL(*f.path)
}

func (f *dbFlag) Set(s string) error {
	cfg, err := parseDB(s)
	switch {
	case err != nil:
		f.err = err
	case cfg.Kind == dbPostgres:
		*f.path, f.err = cfg.URL, nil
	default:
		*f.path, f.err = cfg.Path, nil
	}
	return nil
}

// dbFlagError is the error of fs's --db value, if any.
func dbFlagError(fs *flag.FlagSet) error {
	if f := fs.Lookup("db"); f != nil {
		if d, ok := f.Value.(*dbFlag); ok {
			return d.err
		}
	}
	return nil
}
