package host

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"time"

	"github.com/runbookhq/runbook/host/abi"
)

func init() {
	RegisterCapability(Capability{Name: abi.CapTLS, Handle: handleTLS})
}

// handleTLS completes a handshake without verifying, then verifies the
// chain itself: a check for "expires in 7 days" must still see a chain
// that is expired or self-signed, and report why it does not verify.
func handleTLS(ctx context.Context, env Env, raw json.RawMessage) (any, error) {
	var r abi.TLSRequest
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, badRequest("tls: %v", err)
	}
	host, port, err := env.CheckHostPort("tls", r.Address, "443")
	if err != nil {
		return nil, err
	}
	var roots *x509.CertPool // nil: the system roots
	if r.RootCAs != "" {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM([]byte(r.RootCAs)) {
			return nil, badRequest("tls: root_cas holds no PEM certificate")
		}
	}
	name := r.ServerName
	if name == "" {
		name = host
	}
	ctx, cancel := requestTimeout(ctx, r.TimeoutMS)
	defer cancel()

	start := time.Now()
	var d net.Dialer
	raw2, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("tls: connect %s: %w", r.Address, netCause(ctx, err))
	}
	connected := time.Now()
	conf := &tls.Config{
		// Verification happens below, on the chain the server sent, so the
		// handshake can finish and report a bad certificate's details.
		InsecureSkipVerify: true,
		MinVersion:         tls.VersionTLS10, // report old servers, not refuse them
	}
	// SNI is never an IP address (RFC 6066); crypto/tls omits it then.
	conf.ServerName = name
	conn := tls.Client(raw2, conf)
	defer conn.Close()
	if err := conn.HandshakeContext(ctx); err != nil {
		return nil, fmt.Errorf("tls: handshake with %s (SNI %s): %w", r.Address, name, netCause(ctx, err))
	}
	st := conn.ConnectionState()
	resp := abi.TLSResponse{
		Version:     tls.VersionName(st.Version),
		CipherSuite: tls.CipherSuiteName(st.CipherSuite),
		ALPN:        st.NegotiatedProtocol,
		ServerName:  name,
	}
	resp.Timing.ConnectMS = ms(connected.Sub(start))
	resp.Timing.HandshakeMS = ms(time.Since(connected))
	for _, c := range st.PeerCertificates {
		resp.Chain = append(resp.Chain, certificate(c))
	}
	if err := verifyChain(st.PeerCertificates, name, roots, time.Now()); err != nil {
		resp.VerifyError = err.Error()
	} else {
		resp.Verified = true
	}
	return resp, nil
}

// verifyChain does what crypto/tls would have done: system roots, the
// intermediates the server sent, and the name (an IP address is matched
// against the certificate's IP SANs).
func verifyChain(chain []*x509.Certificate, name string, roots *x509.CertPool, now time.Time) error {
	if len(chain) == 0 {
		return fmt.Errorf("server sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{DNSName: name, Roots: roots, Intermediates: inter, CurrentTime: now})
	return err
}

func certificate(c *x509.Certificate) abi.Certificate {
	sum := sha256.Sum256(c.Raw)
	out := abi.Certificate{
		Subject:      c.Subject.String(),
		CommonName:   c.Subject.CommonName,
		Issuer:       c.Issuer.String(),
		SerialNumber: c.SerialNumber.String(),
		NotBefore:    c.NotBefore.UTC(),
		NotAfter:     c.NotAfter.UTC(),
		DNSNames:     c.DNSNames,
		IsCA:         c.IsCA,
		SHA256:       hex.EncodeToString(sum[:]),
	}
	for _, ip := range c.IPAddresses {
		out.IPAddresses = append(out.IPAddresses, ip.String())
	}
	return out
}
