package main

import (
	"testing"
	"time"
)

// Vectors from AWS's Signature Version 4 test suite (aws-sig-v4-test-suite:
// get-vanilla, get-vanilla-query-order-key-case, post-vanilla,
// post-x-www-form-urlencoded). All use these credentials, this time,
// region us-east-1 and service "service".
var (
	suiteCreds = credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	suiteTime  = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
)

func TestSignAWSTestSuite(t *testing.T) {
	tests := []struct {
		name          string
		method, url   string
		header        map[string]string
		body          string
		canonical     string // checked when set
		stringToSign  string // checked when set
		authorization string
	}{
		{
			name: "get-vanilla", method: "GET", url: "https://example.amazonaws.com/",
			authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
		},
		{
			name: "get-vanilla-query-order-key-case", method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1",
			authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
		},
		{
			name: "post-vanilla", method: "POST", url: "https://example.amazonaws.com/",
			authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
		},
		{
			name: "post-x-www-form-urlencoded", method: "POST", url: "https://example.amazonaws.com/",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "Param1=value1",
			canonical: "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n" +
				"9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
			stringToSign:  "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
			authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sign(signing{Method: tt.method, URL: tt.url, Header: tt.header, Body: []byte(tt.body),
				Region: "us-east-1", Service: "service", Time: suiteTime}, suiteCreds)
			if err != nil {
				t.Fatal(err)
			}
			if tt.canonical != "" && got.CanonicalRequest != tt.canonical {
				t.Errorf("canonical request\n got %q\nwant %q", got.CanonicalRequest, tt.canonical)
			}
			if tt.stringToSign != "" && got.StringToSign != tt.stringToSign {
				t.Errorf("string to sign\n got %q\nwant %q", got.StringToSign, tt.stringToSign)
			}
			if got.Authorization != tt.authorization {
				t.Errorf("authorization\n got %s\nwant %s", got.Authorization, tt.authorization)
			}
		})
	}
}

func TestSignSessionToken(t *testing.T) {
	c := suiteCreds
	c.SessionToken = "tok"
	got, err := sign(signing{Method: "GET", URL: "https://example.amazonaws.com/", Region: "us-east-1", Service: "service", Time: suiteTime}, c)
	if err != nil {
		t.Fatal(err)
	}
	const want = "host;x-amz-date;x-amz-security-token"
	if !contains(got.Authorization, "SignedHeaders="+want+",") {
		t.Errorf("authorization %s does not sign %s", got.Authorization, want)
	}
}

func TestURIEncode(t *testing.T) {
	for in, want := range map[string]string{"a b": "a%20b", "i-0abc": "i-0abc", "~._-": "~._-", "ሴ": "%E1%88%B4", "a/b": "a%2Fb", "+": "%2B"} {
		if got := uriEncode(in); got != want {
			t.Errorf("uriEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
