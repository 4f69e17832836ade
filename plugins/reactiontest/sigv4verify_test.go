package reactiontest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// sigv4Verifier checks a request the way AWS does: parse the
// Authorization header, rebuild the canonical request from what actually
// arrived (not from what the client meant to send), derive the key from
// the secret the server knows and compare signatures. It is written apart
// from plugins/aws-ec2's signer, so a shared mistake cannot pass.
type sigv4Verifier struct {
	secrets map[string]string // access key id -> secret access key
	region  string
	service string
	now     func() time.Time
}

// verify returns "" when the signature is valid, or the AWS error code
// and message the real service would answer with.
func (v sigv4Verifier) verify(r request) (code, msg string) {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return "IncompleteSignature", "Authorization header requires the AWS4-HMAC-SHA256 algorithm"
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = val
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return "IncompleteSignature", "Credential is malformed"
	}
	keyID, date, region, service := scope[0], scope[1], scope[2], scope[3]
	secret, known := v.secrets[keyID]
	if !known {
		return "AuthFailure", "AWS was not able to validate the provided access credentials"
	}
	if region != v.region || service != v.service {
		return "SignatureDoesNotMatch", fmt.Sprintf("Credential should be scoped to a valid region and service, not %s/%s", region, service)
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || amzDate[:8] != date {
		return "IncompleteSignature", "X-Amz-Date is missing or does not match the credential scope"
	}
	if v.now != nil && (v.now().Sub(t) > 5*time.Minute || t.Sub(v.now()) > 5*time.Minute) {
		return "RequestExpired", "Request has expired"
	}
	signedNames := strings.Split(fields["SignedHeaders"], ";")
	if !sort.StringsAreSorted(signedNames) || !contains(";"+fields["SignedHeaders"]+";", ";host;") {
		return "SignatureDoesNotMatch", "SignedHeaders must be sorted and include host"
	}
	var ch strings.Builder
	for _, n := range signedNames {
		val := r.Header.Get(n)
		if n == "host" {
			val = r.Host
		}
		ch.WriteString(n + ":" + strings.Join(strings.Fields(val), " ") + "\n")
	}
	sum := sha256.Sum256(r.Body)
	canonical := strings.Join([]string{r.Method, awsEscapePath(r.Path), awsQuery(r.RawQuery), ch.String(), fields["SignedHeaders"], hex.EncodeToString(sum[:])}, "\n")
	crSum := sha256.Sum256([]byte(canonical))
	sts := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + strings.Join(scope[1:], "/") + "\n" + hex.EncodeToString(crSum[:])
	mac := func(k []byte, s string) []byte { h := hmac.New(sha256.New, k); h.Write([]byte(s)); return h.Sum(nil) }
	key := mac(mac(mac(mac([]byte("AWS4"+secret), date), region), service), "aws4_request")
	want := hex.EncodeToString(mac(key, sts))
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."
	}
	return "", ""
}

func awsEscapePath(p string) string {
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = awsEscape(s)
	}
	return strings.Join(segs, "/")
}

func awsQuery(raw string) string {
	q, _ := url.ParseQuery(raw)
	var pairs [][2]string
	for k, vs := range q {
		for _, val := range vs {
			pairs = append(pairs, [2]string{awsEscape(k), awsEscape(val)})
		}
	}
	// By name, then value: sorting "k=v" strings would put Param10
	// before Param1 ('0' sorts below '=').
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p[0] + "=" + p[1]
	}
	return strings.Join(parts, "&")
}

// awsEscape percent-encodes everything but RFC 3986 unreserved characters.
func awsEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// The verifier itself must accept AWS's published vectors and refuse a
// tampered request; otherwise the EC2 test proves nothing.
func TestSigV4VerifierAWSTestSuite(t *testing.T) {
	v := sigv4Verifier{secrets: map[string]string{"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, region: "us-east-1", service: "service"}
	mk := func(method, query, ct, body, authz string) request {
		h := http.Header{}
		h.Set("X-Amz-Date", "20150830T123600Z")
		h.Set("Authorization", authz)
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		return request{Method: method, Path: "/", RawQuery: query, Header: h, Body: []byte(body), Host: "example.amazonaws.com"}
	}
	const cred = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
	vectors := map[string]request{
		"get-vanilla-query-order-key-case": mk("GET", "Param2=value2&Param1=value1", "", "",
			cred+"SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
		"post-x-www-form-urlencoded": mk("POST", "", "application/x-www-form-urlencoded", "Param1=value1",
			cred+"SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
	}
	for name, r := range vectors {
		if code, msg := v.verify(r); code != "" {
			t.Errorf("%s: %s: %s", name, code, msg)
		}
		tampered := r
		tampered.Body = append([]byte(nil), r.Body...)
		tampered.Body = append(tampered.Body, 'x')
		if code, _ := v.verify(tampered); code != "SignatureDoesNotMatch" {
			t.Errorf("%s with a changed body: got %q, want SignatureDoesNotMatch", name, code)
		}
	}
}
