package web

import (
	"errors"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// webhookSettings is a monitor's webhook configuration as shown: which
// secrets are set, never their values.
type webhookSettings struct {
	Path          string    `json:"path_template"`
	HasToken      bool      `json:"has_token"`
	PagerDuty     bool      `json:"pagerduty_secret_set"`
	SlackSigning  bool      `json:"slack_signing_secret_set"`
	SlackToken    bool      `json:"slack_token_set"`
	TravisKey     bool      `json:"travis_public_key_set"`
	Providers     []string  `json:"providers"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
	HeartbeatPath string    `json:"heartbeat_path_template,omitempty"`
	// URL and HeartbeatURL are the templates in full (Config.PublicURL).
	URL          string `json:"url_template,omitempty"`
	HeartbeatURL string `json:"heartbeat_url_template,omitempty"`
}

// webhookSecretsInput sets provider secrets; an omitted field is kept, an
// empty string clears it.
type webhookSecretsInput struct {
	PagerDutySecret    *string `json:"pagerduty_secret" form:"pagerduty_secret"`
	SlackSigningSecret *string `json:"slack_signing_secret" form:"slack_signing_secret"`
	SlackToken         *string `json:"slack_token" form:"slack_token"`
	TravisPublicKey    *string `json:"travis_public_key" form:"travis_public_key"`
}

func (in *webhookSecretsInput) Validate() error {
	var errs engine.FieldErrors
	for name, v := range map[string]*string{"pagerduty_secret": in.PagerDutySecret, "slack_signing_secret": in.SlackSigningSecret, "slack_token": in.SlackToken} {
		if v != nil && len(*v) > 500 {
			errs.Add(name, "must be at most 500 characters")
		}
	}
	if in.TravisPublicKey != nil && *in.TravisPublicKey != "" {
		if err := validPEMKey(*in.TravisPublicKey); err != nil {
			errs.Add("travis_public_key", "%v", err)
		}
	}
	return errs.Err()
}

func (s *Server) webhookView(m engine.Monitor, w store.WebhookSecret) webhookSettings {
	v := webhookSettings{
		Path: "/api/v1/webhooks/" + m.ID + "/{token}", HasToken: w.TokenHash != "",
		PagerDuty: w.PagerDutySecret != "", SlackSigning: w.SlackSigningSecret != "", SlackToken: w.SlackToken != "",
		TravisKey: w.TravisPublicKey != "", UpdatedAt: w.UpdatedAt, Providers: []string{},
	}
	for _, n := range []string{"datadog", "pagerduty", "papertrail", "slack", "travis"} {
		v.Providers = append(v.Providers, "/api/v1/integrations/"+n+"/"+m.ID+"/{token}")
	}
	if m.Kind == engine.KindHeartbeat {
		v.HeartbeatPath = "/api/v1/heartbeats/" + m.ID + "/{token}"
	}
	v.URL, v.HeartbeatURL = s.fullURL(v.Path), s.fullURL(v.HeartbeatPath)
	return v
}

func (s *Server) ownWebhook(c *fiber.Ctx) (engine.Monitor, store.WebhookSecret, error) {
	m, err := s.ownMonitor(c)
	if err != nil {
		return m, store.WebhookSecret{}, err
	}
	w, err := s.cfg.Store.GetWebhookSecret(c.UserContext(), m.ID)
	if errors.Is(err, store.ErrNotFound) {
		return m, store.WebhookSecret{MonitorID: m.ID, Owner: m.Owner}, nil
	}
	return m, w, err
}

func (s *Server) apiGetWebhook(c *fiber.Ctx) error {
	m, w, err := s.ownWebhook(c)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(s.webhookView(m, w))
}

func (s *Server) putWebhookSecrets(c *fiber.Ctx, in webhookSecretsInput) (webhookSettings, error) {
	m, w, err := s.ownWebhook(c)
	if err != nil {
		return webhookSettings{}, err
	}
	if err := in.Validate(); err != nil {
		return webhookSettings{}, err
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&w.PagerDutySecret, in.PagerDutySecret)
	set(&w.SlackSigningSecret, in.SlackSigningSecret)
	set(&w.SlackToken, in.SlackToken)
	set(&w.TravisPublicKey, in.TravisPublicKey)
	w.UpdatedAt = time.Now().UTC()
	if err := s.cfg.Store.PutWebhookSecret(c.UserContext(), w); err != nil {
		return webhookSettings{}, err
	}
	var fields []string
	for name, v := range map[string]*string{"pagerduty_secret": in.PagerDutySecret, "slack_signing_secret": in.SlackSigningSecret,
		"slack_token": in.SlackToken, "travis_public_key": in.TravisPublicKey} {
		if v != nil {
			fields = append(fields, name)
		}
	}
	sort.Strings(fields)
	s.audit(c.UserContext(), user(c), auditRec{action: auditUpdate, objType: objWebhook, objID: m.ID, owner: m.Owner, monitorID: m.ID, fields: fields})
	return s.webhookView(m, w), nil
}

func (s *Server) apiPutWebhook(c *fiber.Ctx) error {
	var in webhookSecretsInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	v, err := s.putWebhookSecrets(c, in)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(v)
}

// rotateWebhook replaces the URL token: the old URL stops working at once.
func (s *Server) rotateWebhook(c *fiber.Ctx) (*webhookIssued, error) {
	m, w, err := s.ownWebhook(c)
	if err != nil {
		return nil, err
	}
	return s.issueWebhookToken(c.UserContext(), m, w)
}

func (s *Server) apiRotateWebhook(c *fiber.Ctx) error {
	w, err := s.rotateWebhook(c)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(w)
}
