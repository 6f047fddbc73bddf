// Package h2hostile is an HTTP/2 server over TLS that misbehaves once a
// POST's body is in: it resets the stream (PROTOCOL_ERROR, as a peer
// would; or REFUSED_STREAM, a lie once the body was read), sends GOAWAY
// saying it processed nothing, or drops the connection. Everything else
// (the GETs, and POSTs it lets through) goes on to a backend over
// HTTP/1.1, so a whole command can run against it.
//
// It is written with golang.org/x/net/http2's Framer rather than Go's own
// server, because Go's server cannot do this: a handler that aborts after
// reading the body resets its stream with INTERNAL_ERROR, which Go's
// client never replays. The resets here are the ones that make Go's
// HTTP/2 transport send a request again when it can rewind its body.
// Tests use it to show that wksrec's writes go out exactly once.
package h2hostile

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Mode is what the server does once a POST's body is in.
type Mode int

const (
	// ResetProtocol answers RST_STREAM PROTOCOL_ERROR.
	ResetProtocol Mode = iota
	// ResetRefused answers RST_STREAM REFUSED_STREAM: "not processed",
	// a lie once the body was read.
	ResetRefused
	// GoAway sends GOAWAY with last stream 0: "nothing processed", a lie.
	GoAway
	// Drop closes the connection without a word.
	Drop
)

// Server is a running hostile front.
type Server struct {
	URL    string // https://127.0.0.1:port
	CAPEM  []byte // its certificate, to trust (--ca-file)
	Roots  *x509.CertPool
	ln     net.Listener
	mode   Mode
	once   bool
	back   string
	posts  atomic.Int64
	wg     sync.WaitGroup
	client *http.Client
}

// Start serves on 127.0.0.1, passing what it lets through to backend (an
// http:// base URL; "" answers those with 404). With once, only the first
// POST is mistreated.
func Start(backend string, mode Mode, once bool) (*Server, error) {
	cert, certPEM, err := selfSigned()
	if err != nil {
		return nil, err
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(certPEM)
	s := &Server{URL: "https://" + ln.Addr().String(), CAPEM: certPEM, Roots: roots, ln: ln, mode: mode, once: once,
		back: strings.TrimRight(backend, "/"), client: &http.Client{Timeout: 10 * time.Second}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Posts is how many POSTs arrived whole, mistreated or not.
func (s *Server) Posts() int { return int(s.posts.Load()) }

// Close stops the server and waits for its connections to end.
func (s *Server) Close() {
	s.ln.Close()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		conns = append(conns, c)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.serve(c)
		}()
	}
}

type stream struct {
	method, path string
	header       http.Header
	body         bytes.Buffer
}

func (s *Server) serve(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(time.Minute)) // a test's connection, never forever
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if fr.WriteSettings() != nil {
		return
	}
	streams := map[uint32]*stream{}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() && fr.WriteSettingsAck() != nil {
				return
			}
		case *http2.PingFrame:
			if !f.IsAck() && fr.WritePing(true, f.Data) != nil {
				return
			}
		case *http2.MetaHeadersFrame:
			st := &stream{header: http.Header{}}
			for _, hf := range f.Fields {
				switch hf.Name {
				case ":method":
					st.method = hf.Value
				case ":path":
					st.path = hf.Value
				default:
					if !strings.HasPrefix(hf.Name, ":") {
						st.header.Add(hf.Name, hf.Value)
					}
				}
			}
			streams[f.StreamID] = st
			if f.StreamEnded() && !s.finish(fr, f.StreamID, st) {
				return
			}
		case *http2.DataFrame:
			st := streams[f.StreamID]
			if st == nil {
				continue
			}
			st.body.Write(f.Data())
			if n := uint32(len(f.Data())); n > 0 {
				_ = fr.WriteWindowUpdate(0, n)
				_ = fr.WriteWindowUpdate(f.StreamID, n)
			}
			if f.StreamEnded() && !s.finish(fr, f.StreamID, st) {
				return
			}
		case *http2.GoAwayFrame:
			return
		}
	}
}

// finish answers a request whose body is in; false closes the connection.
func (s *Server) finish(fr *http2.Framer, id uint32, st *stream) bool {
	if st.method == http.MethodPost {
		n := s.posts.Add(1)
		if !s.once || n == 1 {
			switch s.mode {
			case ResetProtocol:
				return fr.WriteRSTStream(id, http2.ErrCodeProtocol) == nil
			case ResetRefused:
				return fr.WriteRSTStream(id, http2.ErrCodeRefusedStream) == nil
			case GoAway:
				_ = fr.WriteGoAway(0, http2.ErrCodeNo, nil)
				return false
			case Drop:
				return false
			}
		}
	}
	status, header, body := s.forward(st)
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	_ = enc.WriteField(hpack.HeaderField{Name: ":status", Value: strconv.Itoa(status)})
	for k, vs := range header {
		k = strings.ToLower(k)
		if k == "connection" || k == "transfer-encoding" || k == "keep-alive" || k == "content-length" {
			continue
		}
		for _, v := range vs {
			_ = enc.WriteField(hpack.HeaderField{Name: k, Value: v})
		}
	}
	_ = enc.WriteField(hpack.HeaderField{Name: "content-length", Value: strconv.Itoa(len(body))})
	if fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block.Bytes(), EndHeaders: true, EndStream: len(body) == 0}) != nil {
		return false
	}
	for len(body) > 0 {
		n := min(len(body), 16384) // the default SETTINGS_MAX_FRAME_SIZE
		if fr.WriteData(id, n == len(body), body[:n]) != nil {
			return false
		}
		body = body[n:]
	}
	return true
}

// forward asks the backend, over HTTP/1.1.
func (s *Server) forward(st *stream) (int, http.Header, []byte) {
	if s.back == "" {
		return http.StatusNotFound, http.Header{"Content-Type": {"application/json"}}, []byte(`{"error_code":"H2.404","error_msg":"no backend"}`)
	}
	req, err := http.NewRequest(st.method, s.back+st.path, bytes.NewReader(st.body.Bytes()))
	if err != nil {
		return http.StatusBadGateway, http.Header{}, nil
	}
	req.Header = st.header
	resp, err := s.client.Do(req)
	if err != nil {
		return http.StatusBadGateway, http.Header{}, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return http.StatusBadGateway, http.Header{}, nil
	}
	return resp.StatusCode, resp.Header, body
}

// selfSigned makes a certificate for 127.0.0.1, valid for a day.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "h2hostile"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		return tls.Certificate{}, nil, errors.Join(errors.New("h2hostile: the certificate"), err)
	}
	return cert, certPEM, nil
}
