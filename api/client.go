package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/wksrec/wksrec/internal/defaults"
)

// Size caps for response bodies: a page of 100 details is a few tens of KiB,
// so anything near these limits is not the API talking.
const (
	maxBodyBytes  = 8 << 20
	maxErrorBytes = 64 << 10
)

// Config says where and as whom a Client talks.
type Config struct {
	// Endpoint is the Workspace base URL, e.g. https://workspace.cn-north-4.myhuaweicloud.com.
	Endpoint  string
	ProjectID string
	Auth      Authenticator
	// HTTPClient is optional; the default has connect and overall timeouts
	// and honours HTTPS_PROXY / NO_PROXY.
	HTTPClient *http.Client
	UserAgent  string
	// Concurrency is the most requests the client has out at once, all
	// its callers together (0: the default); see Budget.
	Concurrency int
}

// Client calls the Workspace scheduled-task APIs. It is safe for concurrent use.
type Client struct {
	conn
	projectID string
}

// conn sends authenticated GETs to one base URL and decodes the answers;
// the Workspace client and the IAM project lookup share it.
type conn struct {
	base      *url.URL
	auth      Authenticator
	http      *http.Client
	userAgent string
	// budget paces every request to this endpoint with these credentials.
	budget *Budget
}

func newConn(cfg Config) (conn, error) {
	base, err := ParseEndpoint(cfg.Endpoint)
	if err != nil {
		return conn{}, err
	}
	if cfg.Auth == nil {
		return conn{}, errors.New("no credentials")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = DefaultHTTPClient()
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = "wksrec"
	}
	budget := NewBudget(cmp.Or(cfg.Concurrency, defaults.Concurrency))
	return conn{base: base, auth: cfg.Auth, http: hc, userAgent: ua, budget: budget}, nil
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.ProjectID == "" {
		return nil, errors.New("no project id")
	}
	if err := ValidID(cfg.ProjectID); err != nil {
		return nil, &InvalidIDError{What: "project id", ID: cfg.ProjectID, Err: err}
	}
	c, err := newConn(cfg)
	if err != nil {
		return nil, err
	}
	return &Client{conn: c, projectID: cfg.ProjectID}, nil
}

// ScheduledTypeLifeCycle asks ListTasks for trigger tasks (run on a
// desktop event rather than a schedule): the API lists them only when asked.
const ScheduledTypeLifeCycle = "LIFE_CYCLE"

// ListTasks returns one page of the project's scheduled tasks (limit 1..50);
// with scheduledType LIFE_CYCLE, its trigger tasks instead.
func (c *Client) ListTasks(ctx context.Context, scheduledType string, offset, limit int) (Page[Task], error) {
	var p taskPage
	var extra url.Values
	if scheduledType != "" {
		extra = url.Values{"scheduled_type": {scheduledType}}
	}
	err := c.list(ctx, []string{"v2", c.projectID, "scheduled-tasks"}, offset, limit, MaxTaskLimit, &p, extra)
	return Page[Task]{Items: p.Items, Total: int(p.Total)}, err
}

// ListRecords returns one page of a task's execution records, newest first (limit 1..100).
func (c *Client) ListRecords(ctx context.Context, taskID string, offset, limit int) (Page[Record], error) {
	if taskID == "" {
		return Page[Record]{}, errors.New("no task id")
	}
	if err := checkIDs("task id", taskID); err != nil {
		return Page[Record]{}, err
	}
	var p recordPage
	err := c.list(ctx, []string{"v2", c.projectID, "scheduled-tasks", taskID, "records"}, offset, limit, MaxRecordLimit, &p)
	return Page[Record]{Items: p.Items, Total: int(p.Total)}, err
}

// ListRecordDetails returns one page of the per-desktop details of an execution record (limit 1..100).
func (c *Client) ListRecordDetails(ctx context.Context, taskID, recordID string, offset, limit int) (Page[Detail], error) {
	if taskID == "" || recordID == "" {
		return Page[Detail]{}, errors.New("no task or record id")
	}
	if err := checkIDs("task id", taskID, "record id", recordID); err != nil {
		return Page[Detail]{}, err
	}
	var p detailPage
	err := c.list(ctx, []string{"v2", c.projectID, "scheduled-tasks", taskID, "records", recordID}, offset, limit, MaxDetailLimit, &p)
	return Page[Detail]{Items: p.Items, Total: int(p.Total)}, err
}

func (c *Client) list(ctx context.Context, segments []string, offset, limit, maxLimit int, out any, extra ...url.Values) error {
	if offset < 0 || limit < 1 || limit > maxLimit {
		return fmt.Errorf("page offset %d limit %d out of range (limit 1..%d)", offset, limit, maxLimit)
	}
	q := url.Values{}
	for _, e := range extra {
		for k, v := range e {
			q[k] = v
		}
	}
	q.Set("offset", strconv.Itoa(offset))
	q.Set("limit", strconv.Itoa(limit))
	return c.get(ctx, segments, q, out)
}

// InvalidIDError is an id that cannot be put in a request path.
type InvalidIDError struct {
	What, ID string
	Err      error
}

func (e *InvalidIDError) Error() string { return fmt.Sprintf("%s %q %v", e.What, e.ID, e.Err) }

// checkIDs refuses ids that would change the path asked for.
func checkIDs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := ValidID(pairs[i+1]); err != nil {
			return &InvalidIDError{What: pairs[i], ID: pairs[i+1], Err: err}
		}
	}
	return nil
}

// get sends one GET and decodes a 2xx JSON body into out.
func (c *conn) get(ctx context.Context, segments []string, query url.Values, out any) error {
	return c.do(ctx, http.MethodGet, segments, query, nil, out)
}

// do sends one request (a JSON body when body is not nil) in its turn of
// the budget, and decodes a 2xx JSON body into out. It never retries:
// callers decide, and a POST that may have been applied must not be sent
// twice.
func (c *conn) do(ctx context.Context, method string, segments []string, query url.Values, body []byte, out any) error {
	t, err := c.budget.acquire(ctx)
	if err != nil {
		return err
	}
	err = c.send(ctx, method, segments, query, body, out)
	c.budget.release(t, err)
	return err
}

// send is do's one request, signed once its turn has come.
func (c *conn) send(ctx context.Context, method string, segments []string, query url.Values, body []byte, out any) error {
	u := *c.base
	escaped := make([]string, len(segments))
	for i, s := range segments {
		escaped[i] = url.PathEscape(s)
	}
	u.RawPath = strings.TrimRight(c.base.EscapedPath(), "/") + "/" + strings.Join(escaped, "/")
	u.Path, _ = url.PathUnescape(u.RawPath)
	// %20 rather than + for spaces: the signer's canonical query escapes
	// them so, and a gateway that does not decode + would disagree.
	u.RawQuery = strings.ReplaceAll(query.Encode(), "+", "%20")

	var reqBody io.Reader
	if body != nil {
		reqBody = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reqBody)
	if err != nil {
		return fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", c.userAgent)
	if err := c.auth.Authenticate(req, body); err != nil {
		return fmt.Errorf("authenticating request: %w", err)
	}
	write := method != http.MethodGet
	var wrote atomic.Bool
	if write {
		req = oneShot(req, &wrote)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		if write && wrote.Load() {
			return &UnansweredError{Host: c.base.Host, Err: unwrapURLError(err)}
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return newTransportError(c.base.Host, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 3 {
		return &RedirectError{Status: resp.StatusCode, Location: WithoutUserInfo(resp.Header.Get("Location"))}
	}

	limit := int64(maxBodyBytes)
	if resp.StatusCode/100 != 2 {
		limit = maxErrorBytes
	}
	respBody, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil && write && resp.StatusCode/100 != 4 {
		return &UnansweredError{Host: c.base.Host, Status: resp.StatusCode, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return newTransportError(c.base.Host, fmt.Errorf("reading response: %w", err))
	}
	if resp.StatusCode/100 != 2 {
		return decodeError(resp, respBody)
	}
	if int64(len(respBody)) > limit {
		return &APIError{Status: resp.StatusCode, Message: fmt.Sprintf("response larger than %d MiB", maxBodyBytes>>20), RequestID: resp.Header.Get("X-Request-Id")}
	}
	if err := json.Unmarshal(respBody, out); err != nil {
		return &APIError{Status: resp.StatusCode, Message: "malformed JSON in response: " + err.Error(), RequestID: resp.Header.Get("X-Request-Id"), garbled: true}
	}
	return nil
}
