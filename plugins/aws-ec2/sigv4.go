package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// AWS Signature Version 4, as AWS documents it ("Create a signed AWS API
// request"): a canonical request, a string to sign over its hash, and an
// HMAC chain that derives a key for one date, region and service. The
// signature goes in the Authorization header. Implemented here because a
// plugin cannot import the AWS SDK (it would not fit a small wasm module),
// and tested against AWS's published test-suite vectors.

const (
	algorithm  = "AWS4-HMAC-SHA256"
	amzDateFmt = "20060102T150405Z"
)

// credentials are the caller's AWS keys. SessionToken is set for
// temporary credentials (STS) and is then signed as X-Amz-Security-Token.
type credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// signing is one request to sign. Header holds the headers to sign
// besides host (taken from URL) and x-amz-date (added); names in any case.
type signing struct {
	Method, URL string
	Header      map[string]string
	Body        []byte
	Region      string
	Service     string
	Time        time.Time
}

// signed is the result: the headers to send and, for tests and debugging,
// the intermediate documents.
type signed struct {
	Authorization    string
	AmzDate          string
	CanonicalRequest string
	StringToSign     string
	Signature        string
}

func sign(s signing, c credentials) (signed, error) {
	u, err := url.Parse(s.URL)
	if err != nil {
		return signed{}, fmt.Errorf("sigv4: %w", err)
	}
	amzDate := s.Time.UTC().Format(amzDateFmt)
	date := amzDate[:8]
	hdr := map[string]string{"host": u.Host, "x-amz-date": amzDate}
	for k, v := range s.Header {
		hdr[strings.ToLower(k)] = v
	}
	if c.SessionToken != "" {
		hdr["x-amz-security-token"] = c.SessionToken
	}
	names := make([]string, 0, len(hdr))
	for k := range hdr {
		names = append(names, k)
	}
	sort.Strings(names)
	var canonHdr strings.Builder
	for _, k := range names {
		canonHdr.WriteString(k + ":" + trimAll(hdr[k]) + "\n")
	}
	signedHeaders := strings.Join(names, ";")
	payload := sha256.Sum256(s.Body)
	cr := strings.Join([]string{
		s.Method,
		canonicalURI(u),
		canonicalQuery(u.Query()),
		canonHdr.String(),
		signedHeaders,
		hex.EncodeToString(payload[:]),
	}, "\n")
	scope := date + "/" + s.Region + "/" + s.Service + "/aws4_request"
	crHash := sha256.Sum256([]byte(cr))
	sts := algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(crHash[:])
	key := signingKey(c.SecretAccessKey, date, s.Region, s.Service)
	sig := hex.EncodeToString(hmacSHA256(key, sts))
	return signed{
		Authorization:    algorithm + " Credential=" + c.AccessKeyID + "/" + scope + ", SignedHeaders=" + signedHeaders + ", Signature=" + sig,
		AmzDate:          amzDate,
		CanonicalRequest: cr,
		StringToSign:     sts,
		Signature:        sig,
	}, nil
}

// signingKey is kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// canonicalURI URI-encodes each path segment once (every service but S3
// is signed this way); an empty path is "/".
func canonicalURI(u *url.URL) string {
	p := u.Path
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = uriEncode(s)
	}
	return strings.Join(segs, "/")
}

// canonicalQuery sorts parameters by name, then value, each URI-encoded.
func canonicalQuery(q url.Values) string {
	type kv struct{ k, v string }
	var pairs []kv
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, kv{uriEncode(k), uriEncode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// uriEncode is AWS's UriEncode: every byte except A-Z a-z 0-9 - _ . ~ is
// %XX with upper-case hex (url.QueryEscape would turn space into +).
func uriEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// trimAll trims a header value and collapses inner runs of spaces, as the
// canonical headers require.
func trimAll(v string) string { return strings.Join(strings.Fields(v), " ") }
