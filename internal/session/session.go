// Package session turns the settings into a client of the API: the
// credentials, CA roots and project discovery, or the built-in fake for
// --demo; and the browser's : switches to another region, project or
// KooCLI profile.
package session

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/store"
)

// Env is what sessions are made in: the environment, where warnings go
// (a credentials file others can read), and the User-Agent sent.
type Env struct {
	Getenv    func(string) string
	Warn      io.Writer
	UserAgent string
}

// Session is what Connect set up: the client, the project it reads,
// where it acts (for the header), the --debug log (nil without one) and a
// function releasing all of it.
type Session struct {
	Client    *api.Client
	ProjectID string
	Where     Where
	Debug     io.Writer
	Stop      func()
	// Store holds the session's finished runs (nil with --no-cache, or
	// when the store cannot be used: a warning said why).
	Store *store.Scope
}

// Where says what a session reads and acts on: where a power action
// would go. (ui.Where has the same fields, for the header.)
type Where struct {
	Region   string // the region the endpoint is named after
	Endpoint string // the endpoint's host, when given rather than made from the region
	Profile  string // the KooCLI profile whose keys are used
	Demo     bool   // the built-in fake API
}

// Connect builds the API client from the configuration: the embedded
// fake for --demo, else credentials, CA roots and the project id
// (discovered when not given).
func Connect(c config.Config, env Env) (s Session, err error) {
	s.Stop = func() {}
	s.ProjectID = c.ProjectID
	defer func() {
		if err != nil {
			s.Stop()
		}
	}()
	hc, err := HTTPClient(c.CAFile)
	if err != nil {
		return s, err
	}
	if c.DebugFile != "" {
		f, err := os.OpenFile(c.DebugFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return s, config.Errorf("cannot open --debug file: %v", config.UnwrapPathError(err))
		}
		hc.Transport = &api.DebugTransport{Base: hc.Transport, Log: f}
		s.Debug, s.Stop = f, func() { f.Close() }
	}
	var auth api.Authenticator
	if c.Demo {
		url, stopFake, err := fake.Start(fake.New(DemoOptions(c)), "")
		if err != nil {
			return s, fmt.Errorf("starting the demo API: %w", err)
		}
		closeLog := s.Stop
		s.Stop = func() { stopFake(); closeLog() }
		c.Endpoint = url
		s.ProjectID = withDemoDefaults(c).ProjectID
		s.Where = Where{Demo: true}
		auth, _ = api.NewTokenAuth("demo-token")
	} else {
		creds, err := config.FindCredentials(c, env.Getenv, env.Warn)
		if err != nil {
			return s, err
		}
		if s.ProjectID == "" {
			s.ProjectID = creds.ProjectID
		}
		if s.ProjectID == "" {
			if s.ProjectID, err = discoverProject(c, creds, hc, env.UserAgent); err != nil {
				return s, err
			}
		}
		if auth, err = creds.Authenticator(s.ProjectID); err != nil {
			return s, config.Wrap(err)
		}
		s.Where = whereOf(c, creds)
	}
	s.Client, err = api.New(api.Config{Endpoint: c.Endpoint, ProjectID: s.ProjectID, Auth: auth, HTTPClient: hc, Concurrency: c.Concurrency,
		UserAgent: env.UserAgent})
	if err != nil {
		return s, config.Wrap(err)
	}
	where := api.WithoutUserInfo(c.Endpoint)
	if c.Demo {
		// The fake's port changes; its runs are the same all day (dated
		// from last night, so a day's demo is not another day's).
		where = "demo:" + fake.LastNight(DemoClock()).Format("2006-01-02")
	}
	s.Store = openStore(c, env).For(where, s.ProjectID)
	return s, nil
}

// openStore opens the store of finished runs; nil with --no-cache, with
// no home to keep it under, or when it cannot be used (a link, another
// user's directory): a one-line warning says so, and runs are read from
// the API as without it.
func openStore(c config.Config, env Env) *store.Store {
	if c.NoCache {
		return nil
	}
	dir, err := store.Dir(env.Getenv)
	if err != nil {
		return nil
	}
	st, err := store.Open(dir, c.CacheBytes())
	if err != nil {
		if env.Warn != nil {
			fmt.Fprintf(env.Warn, "wksrec: note: %s; runs are read from the API only\n", sanitize.Line(err.Error()))
		}
		return nil
	}
	return st
}

// whereOf names where a session acts: its region, or the endpoint's host
// when the endpoint is not the region's, and the KooCLI profile whose
// keys it uses.
func whereOf(c config.Config, creds config.Credentials) Where {
	w := Where{Region: c.Region, Profile: creds.Profile}
	if c.Region == "" || c.Endpoint != "https://workspace."+c.Region+".myhuaweicloud.com" {
		w.Region, w.Endpoint = "", c.Endpoint
		if u, err := api.ParseEndpoint(c.Endpoint); err == nil {
			w.Endpoint = u.Host
		}
	}
	return w
}

// Switcher is the browser's :region, :project and :profile: a new
// session from the settings with one of them changed. Each switch builds
// on the one before; a failed one changes nothing. It keeps the sessions
// it made until they are released, or StopAll.
type Switcher struct {
	mu   sync.Mutex
	c    config.Config
	env  Env
	made []Session
}

// NewSwitcher switches from the session c made.
func NewSwitcher(c config.Config, env Env) *Switcher {
	env.Warn = io.Discard // warnings went out with the first session
	return &Switcher{c: c, env: env}
}

// Switch connects with what ("region", "project" or "profile") changed
// to value, and returns the session and what releases it once replaced.
func (s *Switcher) Switch(ctx context.Context, what, value string) (Session, func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next, err := config.Switch(s.c, what, value, s.env.Getenv)
	if err != nil {
		return Session{}, nil, err
	}
	sess, err := Connect(next, s.env)
	if err != nil {
		return Session{}, nil, err
	}
	// One request before the switch is taken: a region or project
	// mistyped must not throw away the session that works.
	if _, err := sess.Client.ListTasks(ctx, "", 0, 1); err != nil {
		sess.Stop()
		return Session{}, nil, err
	}
	s.c = next
	s.made = append(s.made, sess)
	i := len(s.made) - 1
	return sess, func() { s.stop(i) }, nil
}

// stop stops the i-th session made, once.
func (s *Switcher) stop(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.made[i].Stop != nil {
		s.made[i].Stop()
		s.made[i].Stop = nil
	}
}

// StopAll stops every session made and not released yet.
func (s *Switcher) StopAll() {
	s.mu.Lock()
	n := len(s.made)
	s.mu.Unlock()
	for i := range n {
		s.stop(i)
	}
}

// discoverProject asks IAM for the project named after the region, as the
// SDKs do when no project id is configured.
func discoverProject(c config.Config, creds config.Credentials, hc *http.Client, userAgent string) (string, error) {
	if c.Region == "" {
		return "", config.Errorf("no project id: pass --project-id or set $HUAWEICLOUD_SDK_PROJECT_ID " +
			"(discovery needs --region to know the project's name)")
	}
	if !creds.IsAKSK() {
		return "", config.Errorf("no project id: pass --project-id or set $HUAWEICLOUD_SDK_PROJECT_ID "+
			"(discovery signs with AK/SK, and the credentials found are a token from %s)", creds.Source)
	}
	auth, err := creds.Authenticator("")
	if err != nil {
		return "", config.Wrap(err)
	}
	iam := c.IAMEndpoint
	if iam == "" {
		iam = api.IAMEndpoint(c.Region)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id, err := api.DiscoverProject(ctx, api.Config{Endpoint: iam, Auth: auth, HTTPClient: hc, UserAgent: userAgent}, c.Region)
	var apiErr *api.APIError
	var choice *api.ProjectChoiceError
	if errors.As(err, &choice) {
		return "", config.Errorf("%v: pass --project-id", err) // the user must choose
	}
	if err != nil && !errors.As(err, &apiErr) && !errors.As(err, new(*api.TransportError)) && !errors.Is(err, context.DeadlineExceeded) {
		return "", config.Wrap(err)
	}
	if err == nil {
		if bad := api.ValidID(id); bad != nil {
			// It would go into every request path: never send it.
			return "", config.Errorf("IAM names project %q for %s, an id that %v; pass --project-id", id, c.Region, bad)
		}
	}
	return id, err
}

// HTTPClient is the default client, trusting caFile's certificates too.
func HTTPClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return api.DefaultHTTPClient(), nil
	}
	pem, err := config.ReadStartFile(caFile, "--ca-file", config.MaxCABundle)
	if err != nil {
		return nil, err
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, config.Errorf("--ca-file %s holds no PEM certificate", caFile)
	}
	return api.NewHTTPClient(roots), nil
}
