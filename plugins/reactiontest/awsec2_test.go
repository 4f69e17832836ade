package reactiontest

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	awsKeyID  = "AKIDEXAMPLE"
	awsSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	awsToken  = "FQoGZXIvYXdzEXAMPLETOKEN"
)

// fakeEC2 serves the EC2 Query API: a form-encoded POST to / signed with
// SigV4 for service ec2 in eu-west-1, answering the documented
// <ActionResponse> XML or <Response><Errors><Error>... with the status
// EC2 uses (401 for authentication, 400 for a bad request).
func fakeEC2(t *testing.T) *provider {
	v := sigv4Verifier{secrets: map[string]string{awsKeyID: awsSecret}, region: "eu-west-1", service: "ec2", now: time.Now}
	state := map[string]string{"i-0123456789abcdef0": "running", "i-0fedcba9876543210": "stopped"}
	return newProvider(t, func(w http.ResponseWriter, r request) {
		ec2Err := func(status int, code, msg string) {
			w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
			w.WriteHeader(status)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`, code, msg)
		}
		if r.Method != http.MethodPost || r.Path != "/" {
			ec2Err(http.StatusBadRequest, "InvalidAction", "The action is not valid for this web service.")
			return
		}
		if code, msg := v.verify(r); code != "" {
			ec2Err(http.StatusUnauthorized, code, msg)
			return
		}
		if tok := r.Header.Get("X-Amz-Security-Token"); tok != "" && (tok != awsToken || !strings.Contains(r.Header.Get("Authorization"), "x-amz-security-token")) {
			ec2Err(http.StatusUnauthorized, "AuthFailure", "The security token included in the request is invalid.")
			return
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			ec2Err(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter Action")
			return
		}
		form, _ := url.ParseQuery(string(r.Body))
		if form.Get("Version") != "2016-11-15" {
			ec2Err(http.StatusBadRequest, "InvalidParameterValue", "Version is not supported")
			return
		}
		var ids []string
		for i := 1; form.Has(fmt.Sprintf("InstanceId.%d", i)); i++ {
			ids = append(ids, form.Get(fmt.Sprintf("InstanceId.%d", i)))
		}
		for _, id := range ids {
			if _, ok := state[id]; !ok {
				ec2Err(http.StatusBadRequest, "InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id))
				return
			}
		}
		action := form.Get("Action")
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		switch action {
		case "RebootInstances":
			fmt.Fprintf(w, `<RebootInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><return>true</return></RebootInstancesResponse>`)
		case "StartInstances", "StopInstances":
			next := map[string]string{"StartInstances": "pending", "StopInstances": "stopping"}[action]
			var items strings.Builder
			for _, id := range ids {
				fmt.Fprintf(&items, `<item><instanceId>%s</instanceId><currentState><code>0</code><name>%s</name></currentState><previousState><code>80</code><name>%s</name></previousState></item>`, id, next, state[id])
			}
			fmt.Fprintf(w, `<%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89</requestId><instancesSet>%s</instancesSet></%sResponse>`, action, items.String(), action)
		default:
			ec2Err(http.StatusBadRequest, "InvalidAction", "The action "+action+" is not valid for this web service.")
		}
	})
}

func TestAWSEC2(t *testing.T) {
	p := load(t, "aws-ec2")
	srv := fakeEC2(t)
	secrets := map[string]string{"aws_access_key_id": awsKeyID, "aws_secret_access_key": awsSecret}
	base := func(action string, ids ...string) map[string]any {
		return map[string]any{"endpoint": srv.URL, "region": "eu-west-1", "action": action, "instance_ids": ids}
	}

	tests := []struct {
		name    string
		cfg     map[string]any
		secrets map[string]string
		form    url.Values
		message string
	}{
		{
			name: "reboot", cfg: base("reboot", "i-0123456789abcdef0"), secrets: secrets,
			form:    url.Values{"Action": {"RebootInstances"}, "Version": {"2016-11-15"}, "InstanceId.1": {"i-0123456789abcdef0"}},
			message: "ec2 RebootInstances i-0123456789abcdef0: return true",
		},
		{
			name: "start two", cfg: base("start", "i-0fedcba9876543210", "i-0123456789abcdef0"), secrets: secrets,
			form: url.Values{"Action": {"StartInstances"}, "Version": {"2016-11-15"},
				"InstanceId.1": {"i-0fedcba9876543210"}, "InstanceId.2": {"i-0123456789abcdef0"}},
			message: "ec2 StartInstances i-0fedcba9876543210,i-0123456789abcdef0: i-0fedcba9876543210 stopped→pending, i-0123456789abcdef0 running→pending",
		},
		{
			name: "force stop with temporary credentials",
			cfg: func() map[string]any {
				c := base("stop", "i-0123456789abcdef0")
				c["force"], c["session_token_secret"] = true, "aws_session"
				return c
			}(),
			secrets: map[string]string{"aws_access_key_id": awsKeyID, "aws_secret_access_key": awsSecret, "aws_session": awsToken},
			form:    url.Values{"Action": {"StopInstances"}, "Version": {"2016-11-15"}, "InstanceId.1": {"i-0123456789abcdef0"}, "Force": {"true"}},
			message: "ec2 StopInstances i-0123456789abcdef0: i-0123456789abcdef0 running→stopping",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.reset()
			out := p.ok(tt.cfg, tt.secrets, failedCtx)
			if out.Message != tt.message {
				t.Errorf("message %q, want %q", out.Message, tt.message)
			}
			r := srv.requests()[0]
			form, _ := url.ParseQuery(string(r.Body))
			if !reflect.DeepEqual(form, tt.form) {
				t.Errorf("form %v, want %v", form, tt.form)
			}
		})
	}

	t.Run("a wrong secret key fails the signature check", func(t *testing.T) {
		out := p.failed(base("reboot", "i-0123456789abcdef0"), map[string]string{"aws_access_key_id": awsKeyID, "aws_secret_access_key": "not-the-key"},
			failedCtx, "status 401", "SignatureDoesNotMatch", "does not match the signature you provided", "request ea966190")
		if contains(out.Message, "not-the-key") {
			t.Errorf("message %q quotes the secret", out.Message)
		}
	})

	t.Run("signing for the wrong region fails", func(t *testing.T) {
		c := base("reboot", "i-0123456789abcdef0")
		c["region"] = "us-east-1"
		p.failed(c, secrets, failedCtx, "status 401", "SignatureDoesNotMatch")
	})

	t.Run("EC2's error is the message", func(t *testing.T) {
		p.failed(base("stop", "i-00000000"), secrets, failedCtx, "status 400", "InvalidInstanceID.NotFound", "The instance ID 'i-00000000' does not exist")
	})

	t.Run("missing secrets name their fields", func(t *testing.T) {
		p.failed(base("reboot", "i-0123456789abcdef0"), map[string]string{"aws_access_key_id": awsKeyID}, failedCtx, "secret_access_key_secret", "aws_secret_access_key")
		p.failed(base("reboot", "i-0123456789abcdef0"), nil, failedCtx, "access_key_id_secret")
	})

	t.Run("validation", func(t *testing.T) {
		good := func() map[string]any {
			return map[string]any{"endpoint": "https://ec2.eu-west-1.amazonaws.com", "region": "eu-west-1", "action": "reboot", "instance_ids": []string{"i-0123456789abcdef0"}}
		}
		p.valid(good())
		for _, c := range []struct {
			field string
			set   func(map[string]any)
		}{
			{"endpoint", func(c map[string]any) { delete(c, "endpoint") }},
			{"endpoint", func(c map[string]any) { c["endpoint"] = "https://ec2.us-west-2.amazonaws.com" }},
			{"region", func(c map[string]any) { c["region"] = "Frankfurt" }},
			{"action", func(c map[string]any) { c["action"] = "terminate" }},
			{"instance_ids", func(c map[string]any) { c["instance_ids"] = []string{} }},
			{"instance_ids.1", func(c map[string]any) { c["instance_ids"] = []string{"i-0123456789abcdef0", "web-1"} }},
			{"force", func(c map[string]any) { c["force"] = true }},
		} {
			cfg := good()
			c.set(cfg)
			p.invalid(cfg, c.field)
		}
	})
}
