package main

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

// HTTPS_PROXY is honoured: the binary reaches IAM through a CONNECT proxy
// on loopback, which tunnels to the fake (served over TLS for the name
// example.com, which httptest's certificate covers). No name is resolved
// and nothing leaves 127.0.0.1: the proxy dials the fake itself.
func TestHTTPSProxy(t *testing.T) {
	iam := fake.New(fake.Options{Projects: []api.Project{{ID: "proj-via-proxy", Name: "cn-north-4"}}})
	target := httptest.NewUnstartedServer(iam)
	target.StartTLS()
	t.Cleanup(target.Close)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: target.Certificate().Raw})
	caFile := writeFile(t, filepath.Join(t.TempDir(), "ca.pem"), string(certPEM), 0o600)

	var mu sync.Mutex
	var tunnels []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		mu.Lock()
		tunnels = append(tunnels, r.Host)
		mu.Unlock()
		upstream, err := net.Dial("tcp", target.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() { _, _ = io.Copy(upstream, conn); upstream.Close() }()
		_, _ = io.Copy(conn, upstream)
		conn.Close()
	}))
	t.Cleanup(proxy.Close)

	task := iam.Data().Tasks[0].ID
	rec := iam.Data().Records[task][0].ID
	cmd := exec.Command(buildBinary(t), "--region", "cn-north-4", "--endpoint", "https://example.com",
		"--iam-endpoint", "https://example.com", "--ca-file", caFile, "--task-id", task, "--record-id", rec, "-o", "json")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "HTTPS_PROXY=" + proxy.URL,
		"HUAWEICLOUD_SDK_AK=AK1", "HUAWEICLOUD_SDK_SK=SK1"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(tunnels) == 0 || tunnels[0] != "example.com:443" {
		t.Fatalf("proxy saw tunnels %v; output %s", tunnels, out)
	}
	reqs := iam.Requests()
	if len(reqs) < 2 || reqs[0].Path != "/v3/projects" || reqs[1].ProjectHeader != "proj-via-proxy" {
		t.Errorf("requests through the proxy: %+v", reqs)
	}
	var details []api.Detail
	if err := json.Unmarshal(out, &details); err != nil || len(details) != len(iam.Data().Details[rec]) {
		t.Errorf("%d details, err %v; output %.200s", len(details), err, out)
	}
}
