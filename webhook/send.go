package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kith-health/kith/netguard"
)

// MaxURLLength is the longest endpoint URL kith accepts.
const MaxURLLength = 2048

// ErrURL is CheckURL's error: the URL is not one kith delivers to.
var ErrURL = errors.New("is not an absolute https URL on the public internet")

// CheckURL checks an endpoint's URL: absolute, https, with a host and no
// user name or password, at most MaxURLLength, and not an IP address inside
// a network. allowPrivate (for development and
// tests) also accepts http and internal addresses. A host name is only
// resolved when kith connects (Sender refuses internal addresses then).
func CheckURL(raw string, allowPrivate bool) error {
	if len(raw) > MaxURLLength {
		return fmt.Errorf("%w: it is longer than %d characters", ErrURL, MaxURLLength)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "":
		return fmt.Errorf("%w: write it whole, such as https://ehr.example.com/kith", ErrURL)
	case u.User != nil:
		return fmt.Errorf("%w: it may not hold a user name or password (verify the signature instead)", ErrURL)
	case u.Scheme != "https" && !(allowPrivate && u.Scheme == "http"):
		return fmt.Errorf("%w: it must start with https://", ErrURL)
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !allowPrivate && !netguard.Public(ip) {
		return fmt.Errorf("%w: %s is a private or internal address", ErrURL, ip)
	}
	return nil
}

// SenderConfig tunes a Sender.
type SenderConfig struct {
	// AllowPrivate lets deliveries reach internal addresses (loopback,
	// private, link-local), for development and
	// tests only. Default false: they are refused at connect time.
	AllowPrivate bool
	// Timeout bounds one attempt, from connecting to the end of the answer's
	// headers. Default 15 seconds.
	Timeout time.Duration
	// TLSConfig is the client's TLS configuration. Default: the system's
	// roots (tests give their server's).
	TLSConfig *tls.Config
	// UserAgent is sent with every attempt. Default "kith-webhooks/1".
	UserAgent string
}

// Sender makes delivery attempts: one POST of a signed payload, without
// following redirects, to a public address unless AllowPrivate.
type Sender struct {
	client    *http.Client
	userAgent string
}

// NewSender returns a Sender configured by cfg.
func NewSender(cfg SenderConfig) *Sender {
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "kith-webhooks/1"
	}
	dialer := &net.Dialer{Timeout: cfg.Timeout}
	if !cfg.AllowPrivate {
		dialer.Control = netguard.Control
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would connect for us, past the address check
		DialContext:           dialer.DialContext,
		TLSClientConfig:       cfg.TLSConfig,
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Sender{
		client: &http.Client{
			Transport: transport,
			Timeout:   cfg.Timeout,
			// A redirect is an answer like any other (a failure): following
			// it would reach an address the endpoint's URL never named.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		userAgent: cfg.UserAgent,
	}
}

// Message is one event as an endpoint receives it.
type Message struct {
	// ID is the webhook-id: the event's ID, the same on every attempt.
	ID string
	// Body is the payload (see Payload), the same bytes on every attempt.
	Body []byte
	// Secrets sign the attempt: the endpoint's secret, and its previous one
	// while a rotation lasts.
	Secrets []string
}

// Outcome is what an attempt's answer means.
type Outcome int

// The outcomes of an attempt.
const (
	// Failed is any answer but 2xx and 410, or none: the attempt is made
	// again on Schedule.
	Failed Outcome = iota
	// Delivered is a 2xx answer.
	Delivered
	// Gone is 410: the receiver asks to hear no more, and kith disables
	// the endpoint.
	Gone
)

// Result is the outcome of one attempt.
type Result struct {
	// Outcome says what the answer means.
	Outcome Outcome
	// StatusCode is the answer's HTTP status; 0 when there was none.
	StatusCode int
	// Duration is how long the attempt took.
	Duration time.Duration
	// RetryAfter is how long the receiver asked kith to wait (its
	// Retry-After header), zero when it did not.
	RetryAfter time.Duration
	// Problem says, in a sentence for the endpoint's owner, why an attempt
	// failed; empty when it was delivered. It names no secret and quotes
	// nothing of the answer's body.
	Problem string
}

// answerLimit is how much of an answer's body kith reads (and discards),
// so that the connection can be reused without reading a stream forever.
const answerLimit = 64 << 10

// Send makes one attempt to deliver m to endpoint at now: a POST of its
// body with the webhook-id, webhook-timestamp and webhook-signature
// headers. It never returns an error: a failure is a Result.
func (s *Sender) Send(ctx context.Context, endpoint string, m Message, now time.Time) Result {
	start := time.Now()
	res := s.send(ctx, endpoint, m, now)
	res.Duration = time.Since(start)
	return res
}

func (s *Sender) send(ctx context.Context, endpoint string, m Message, now time.Time) Result {
	sig, err := Signatures(m.Secrets, m.ID, now, m.Body)
	if err != nil {
		return Result{Problem: "the endpoint's secret cannot sign: rotate it"}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(m.Body))
	if err != nil {
		return Result{Problem: "the endpoint's URL cannot be used: update it"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.userAgent)
	req.Header.Set(HeaderID, m.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)
	resp, err := s.client.Do(req)
	if err != nil {
		return Result{Problem: problem(err)}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, answerLimit))
	res := Result{StatusCode: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), now)}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		res.Outcome, res.RetryAfter = Delivered, 0
	case resp.StatusCode == http.StatusGone:
		res.Outcome, res.Problem = Gone, "the endpoint answered 410 Gone: kith stops sending to it"
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		res.Problem = fmt.Sprintf("the endpoint answered %d, a redirect, which kith does not follow: give its final URL", resp.StatusCode)
	default:
		res.Problem = fmt.Sprintf("the endpoint answered %d", resp.StatusCode)
	}
	return res
}

// problem says why an attempt got no answer, without the library's text
// (which may hold the URL's query).
func problem(err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, netguard.ErrInternal):
		return "the endpoint's host leads to a private or internal network address, which kith does not connect to"
	case errors.As(err, &dnsErr):
		return "the endpoint's host name could not be found"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		return "the endpoint did not answer in time"
	case errors.Is(err, context.Canceled):
		return "the attempt was cancelled (kith was shutting down); it is made again"
	default:
		var tlsErr *tls.CertificateVerificationError
		if errors.As(err, &tlsErr) {
			return "the endpoint's TLS certificate is not valid"
		}
		return "kith could not connect to the endpoint"
	}
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date after
// now. It is zero when absent, unreadable or in the past.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		if n <= 0 {
			return 0
		}
		return min(time.Duration(n)*time.Second, MaxRetryAfter)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), MaxRetryAfter)
	}
	return 0
}
