package main

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
	"github.com/wksrec/wksrec/ui"
)

// A session: the API client wksrec talks through, made from the settings
// (credentials, CA roots, project discovery), and the : command line's
// switches to another region, project or profile.

// session is what connect set up: the client, the project it reads,
// where it acts (for the header), the --debug log (nil without one) and a
// function releasing all of it.
type session struct {
	client    *api.Client
	projectID string
	where     ui.Where
	debug     io.Writer
	stop      func()
}

// connect builds the API client from the configuration: the embedded fake
// for --demo, else credentials, CA roots and the project id (discovered
// when not given).
func connect(c config.Config, getenv func(string) string, stderr io.Writer) (s session, err error) {
	s.stop = func() {}
	s.projectID = c.ProjectID
	defer func() {
		if err != nil {
			s.stop()
		}
	}()
	hc, err := httpClient(c.CAFile)
	if err != nil {
		return s, err
	}
	if c.DebugFile != "" {
		f, err := os.OpenFile(c.DebugFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return s, config.Errorf("cannot open --debug file: %v", config.UnwrapPathError(err))
		}
		hc.Transport = &api.DebugTransport{Base: hc.Transport, Log: f}
		s.debug, s.stop = f, func() { f.Close() }
	}
	var auth api.Authenticator
	if c.Demo {
		url, stopFake, err := fake.Start(fake.New(demoOptions(c)), "")
		if err != nil {
			return s, fmt.Errorf("starting the demo API: %w", err)
		}
		closeLog := s.stop
		s.stop = func() { stopFake(); closeLog() }
		c.Endpoint = url
		s.projectID = withDemoDefaults(c).ProjectID
		s.where = ui.Where{Demo: true}
		auth, _ = api.NewTokenAuth("demo-token")
	} else {
		creds, err := config.FindCredentials(c, getenv, stderr)
		if err != nil {
			return s, err
		}
		if s.projectID == "" {
			s.projectID = creds.ProjectID
		}
		if s.projectID == "" {
			if s.projectID, err = discoverProject(c, creds, hc); err != nil {
				return s, err
			}
		}
		if auth, err = creds.Authenticator(s.projectID); err != nil {
			return s, config.Error{Msg: err.Error()}
		}
		s.where = whereOf(c, creds)
	}
	s.client, err = api.New(api.Config{Endpoint: c.Endpoint, ProjectID: s.projectID, Auth: auth, HTTPClient: hc,
		UserAgent: "wksrec/" + versionString()})
	if err != nil {
		return s, config.Error{Msg: err.Error()}
	}
	return s, nil
}

// whereOf names where a session acts: its region, or the endpoint's host
// when the endpoint is not the region's, and the KooCLI profile whose
// keys it uses.
func whereOf(c config.Config, creds config.Credentials) ui.Where {
	w := ui.Where{Region: c.Region, Profile: creds.Profile}
	if c.Region == "" || c.Endpoint != "https://workspace."+c.Region+".myhuaweicloud.com" {
		w.Region, w.Endpoint = "", c.Endpoint
		if u, err := api.ParseEndpoint(c.Endpoint); err == nil {
			w.Endpoint = u.Host
		}
	}
	return w
}

// switcher is the browser's :region, :project and :profile: a new
// session from the settings with one of them changed. Each switch builds
// on the one before; a failed one changes nothing.
func switcher(c config.Config, getenv func(string) string, sessions *sessionList) ui.Reconnect {
	var mu sync.Mutex
	return func(ctx context.Context, what, value string) (ui.Session, error) {
		mu.Lock()
		defer mu.Unlock()
		next, err := config.Switch(c, what, value, getenv)
		if err != nil {
			return ui.Session{}, err
		}
		sess, err := connect(next, getenv, io.Discard)
		if err != nil {
			return ui.Session{}, err
		}
		// One request before the switch is taken: a region or project
		// mistyped must not throw away the session that works.
		if _, err := sess.client.ListTasks(ctx, "", 0, 1); err != nil {
			sess.stop()
			return ui.Session{}, err
		}
		c = next
		release := sessions.add(sess)
		return ui.Session{Source: sess.client, ProjectID: sess.projectID, Where: sess.where, Release: release}, nil
	}
}

// sessionList holds the sessions the command line made.
type sessionList struct {
	mu   sync.Mutex
	list []session
}

// add keeps s until it is released (the browser replaced it) or the
// program ends, whichever comes first; each session is stopped once.
func (l *sessionList) add(s session) (release func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, s)
	i := len(l.list) - 1
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.list[i].stop != nil {
			l.list[i].stop()
			l.list[i].stop = nil
		}
	}
}

func (l *sessionList) stopAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.list {
		if l.list[i].stop != nil {
			l.list[i].stop()
			l.list[i].stop = nil
		}
	}
}

// discoverProject asks IAM for the project named after the region, as the
// SDKs do when no project id is configured.
func discoverProject(c config.Config, creds config.Credentials, hc *http.Client) (string, error) {
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
		return "", config.Error{Msg: err.Error()}
	}
	iam := c.IAMEndpoint
	if iam == "" {
		iam = api.IAMEndpoint(c.Region)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id, err := api.DiscoverProject(ctx, api.Config{Endpoint: iam, Auth: auth, HTTPClient: hc, UserAgent: "wksrec/" + versionString()}, c.Region)
	var apiErr *api.APIError
	var choice *api.ProjectChoiceError
	if errors.As(err, &choice) {
		return "", config.Errorf("%v: pass --project-id", err) // the user must choose
	}
	if err != nil && !errors.As(err, &apiErr) && !errors.As(err, new(*api.TransportError)) && !errors.Is(err, context.DeadlineExceeded) {
		return "", config.Error{Msg: err.Error()}
	}
	if err == nil {
		if bad := api.ValidID(id); bad != nil {
			// It would go into every request path: never send it.
			return "", config.Errorf("IAM names project %q for %s, an id that %v; pass --project-id", id, c.Region, bad)
		}
	}
	return id, err
}

// httpClient is the default client, trusting caFile's certificates too.
func httpClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return api.DefaultHTTPClient(), nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, config.Errorf("cannot read --ca-file: %v", config.UnwrapPathError(err))
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
