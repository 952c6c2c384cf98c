package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// Citizen feedback (phản ánh, kiến nghị): the public intake and
// tracking pages first, then the staff pages and the API.

// feedbackSection is what the template "feedback_public" shows, on the
// public page and the intake page: the agency's feedback form and its
// latest published answers.
type feedbackSection struct {
	Unit              *qms.Agency          // the agency the feedback is about
	Feedback          *qms.Feedback        // what was typed, shown again after a refusal
	PublishedFeedback []qms.PublicFeedback // the agency's latest published answers
}

// publicFeedback fills the section of the agency with its latest
// published answers.
func (s *Server) publicFeedback(c *fiber.Ctx, a *qms.Agency, f *qms.Feedback) (feedbackSection, error) {
	pub, err := s.Feedback.PublishedFeedback(c.UserContext(), a.Code, 20)
	return feedbackSection{Unit: a, Feedback: f, PublishedFeedback: pub}, err
}

// feedbackIntake is the public form on a page of its own, also where a
// refused submission comes back with its message and what was typed.
func (s *Server) feedbackIntake(c *fiber.Ctx) error {
	return s.feedbackIntakePage(c, &qms.Feedback{}, nil)
}

func (s *Server) feedbackIntakePage(c *fiber.Ctx, f *qms.Feedback, formErr error) error {
	a, err := s.publicAgencyOf(c)
	if err != nil {
		return err
	}
	section, err := s.publicFeedback(c, a, f)
	if err != nil {
		return err
	}
	p := &feedbackIntakePage{page: s.page(c), feedbackSection: section}
	return s.renderPage(c, "feedback_intake", &p.page, p, formErr)
}

// feedbackIntakePage is the data of the public feedback form.
type feedbackIntakePage struct {
	page
	feedbackSection
}

// feedbackSubmit takes a citizen's feedback without login. The CSRF
// middleware has already matched the form's token with the anonymous
// cookie; the store throttles by (a salted hash of) the address. The
// actor is always "public", even for a signed-in visitor: the submission
// is the citizen's, not the official's.
func (s *Server) feedbackSubmit(c *fiber.Ctx) error {
	a, err := s.publicAgencyOf(c)
	if err != nil {
		return err
	}
	f := &qms.Feedback{AgencyCode: a.Code, Name: c.FormValue("name"), Contact: c.FormValue("contact"), Content: c.FormValue("content"),
		DossierCode: c.FormValue("dossier_code")}
	ctx := qms.WithActor(c.UserContext(), qms.PublicActor(a.Code))
	if code := strings.TrimSpace(f.DossierCode); code != "" {
		// A dossier code named here is a lookup by code as the status
		// page's is: the refusal of one that does not exist would
		// otherwise tell codes apart unbounded (outsider pass 11).
		_, err := s.Public.FindDossierByCode(ctx, a.Code, code)
		if err := s.lookedUp(c, err); err != nil && qms.ErrorCode(err) != qms.ENOTFOUND {
			return s.feedbackIntakePage(c, f, err)
		}
	}
	if err := s.Feedback.SubmitFeedback(ctx, f, s.clientAddr(c)); err != nil {
		return s.feedbackIntakePage(c, f, err)
	}
	return c.Redirect("/public/"+a.Code+"/feedback/"+f.Code+"?sent=1", fiber.StatusSeeOther)
}

// feedbackTrack tells a citizen where a submission stands, by its code.
func (s *Server) feedbackTrack(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, err := s.publicAgencyOf(c)
	if err != nil {
		return err
	}
	// Codes are sequential: a lookup by code, counted (lookedUp).
	status, answer, err := s.Feedback.FeedbackStatus(ctx, a.Code, c.Params("code"))
	if err := s.lookedUp(c, err); err != nil {
		return err
	}
	p := &feedbackStatusPage{page: s.page(c), Unit: a, Code: strings.ToUpper(c.Params("code")), Status: status, Answer: answer,
		Sent: c.Query("sent") == "1"}
	return s.renderPage(c, "feedback_status", &p.page, p, nil)
}

// feedbackStatusPage is the data of the public tracking page of a feedback.
type feedbackStatusPage struct {
	page
	Unit   *qms.Agency
	Code   string              // the feedback's tracking code
	Status string              // its state (received, assigned, …)
	Answer *qms.PublicFeedback // its published answer, if any
	Sent   bool                // just submitted
}

func (s *Server) findFeedback(c *fiber.Ctx) (*qms.Feedback, error) {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phản ánh, kiến nghị.")
	}
	return s.Feedback.FindFeedback(c.UserContext(), callerOf(c).agency, id)
}

func feedbackPath(f *qms.Feedback) string { return "/feedback/" + itoa(f.ID) }

// feedbackFilter reads ?status=, refusing a status that does not exist
// rather than showing an empty list as if there were none.
func feedbackFilter(c *fiber.Ctx) (qms.FeedbackFilter, error) {
	f := qms.FeedbackFilter{AgencyCode: callerOf(c).agency, Status: c.Query("status")}
	switch f.Status {
	case "", qms.FeedbackReceived, qms.FeedbackAssigned, qms.FeedbackAnswered, qms.FeedbackPublished:
		return f, nil
	}
	return f, qms.FieldError("status", "Trạng thái %q không hợp lệ (received, assigned, answered, published).", f.Status)
}

func (s *Server) feedbackList(c *fiber.Ctx) error {
	f, err := feedbackFilter(c)
	if err != nil {
		return err
	}
	fs, err := s.Feedback.FindFeedbacks(c.UserContext(), f)
	if err != nil {
		return err
	}
	p := &feedbacksPage{page: s.page(c), Feedbacks: fs, Status: f.Status,
		Statuses: []string{qms.FeedbackReceived, qms.FeedbackAssigned, qms.FeedbackAnswered, qms.FeedbackPublished}}
	return s.renderPage(c, "feedbacks", &p.page, p, nil)
}

// feedbacksPage is the data of the feedback list.
type feedbacksPage struct {
	page
	Feedbacks []*qms.Feedback
	Status    string   // the status filtered on ("": all)
	Statuses  []string // those one may filter on
}

func (s *Server) feedbackShow(c *fiber.Ctx) error {
	f, err := s.findFeedback(c)
	if err != nil {
		return err
	}
	return s.feedbackPage(c, f, nil)
}

// feedbackPage shows one feedback with the steps the caller may take now.
func (s *Server) feedbackPage(c *fiber.Ctx, f *qms.Feedback, formErr error) error {
	users, err := s.Users.FindUsers(c.UserContext(), qms.UserFilter{Within: ptrTo(callerOf(c).agency)})
	if err != nil {
		return err
	}
	open := f.Status != qms.FeedbackPublished
	p := &feedbackPage{page: s.page(c), Feedback: f, Users: assignable(users, callerOf(c).agency, qms.FeedbackAnswererRoles),
		CanAssign: open && f.Status != qms.FeedbackAnswered && s.can(c, "feedback", "assign"),
		CanAnswer: open && f.Status != qms.FeedbackReceived && s.can(c, "feedback", "answer") &&
			f.CheckAnswerer(callerOf(c).user.Username, rolesIn(callerOf(c))) == nil,
		CanPublish: f.Status == qms.FeedbackAnswered && s.can(c, "feedback", "publish")}
	return s.renderPage(c, "feedback", &p.page, p, formErr)
}

// feedbackPage is the data of the page of one feedback.
type feedbackPage struct {
	page
	Feedback                         *qms.Feedback
	Users                            []*qms.User // those it may be assigned to
	CanAssign, CanAnswer, CanPublish bool
}

// feedbackStep applies one change and shows the feedback again.
func (s *Server) feedbackStep(c *fiber.Ctx, act func(f *qms.Feedback) (*qms.Feedback, error)) error {
	f, err := s.findFeedback(c)
	if err != nil {
		return err
	}
	if _, err := act(f); err != nil {
		return s.feedbackPage(c, f, err)
	}
	return c.Redirect(feedbackPath(f)+"?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) feedbackAssign(c *fiber.Ctx) error {
	return s.feedbackStep(c, func(f *qms.Feedback) (*qms.Feedback, error) {
		return s.Feedback.AssignFeedback(c.UserContext(), f.AgencyCode, f.ID, c.FormValue("assignee"))
	})
}

func (s *Server) feedbackAnswer(c *fiber.Ctx) error {
	return s.feedbackStep(c, func(f *qms.Feedback) (*qms.Feedback, error) {
		return s.Feedback.AnswerFeedback(c.UserContext(), f.AgencyCode, f.ID, c.FormValue("answer"))
	})
}

func (s *Server) feedbackPublish(c *fiber.Ctx) error {
	return s.feedbackStep(c, func(f *qms.Feedback) (*qms.Feedback, error) {
		return s.Feedback.PublishFeedback(c.UserContext(), f.AgencyCode, f.ID)
	})
}

type assignRequest struct {
	Assignee string `json:"assignee"` // username of a user of the agency
}

type answerRequest struct {
	Answer string `json:"answer"`
}

func (s *Server) apiFeedbackList(c *fiber.Ctx) error {
	f, err := feedbackFilter(c)
	if err != nil {
		return err
	}
	fs, err := s.Feedback.FindFeedbacks(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"feedback": orEmpty(fs)})
}

// apiFeedback applies one change and answers with the feedback.
func (s *Server) apiFeedback(c *fiber.Ctx, body any, act func(f *qms.Feedback) (*qms.Feedback, error)) error {
	f, err := s.findFeedback(c)
	if err != nil {
		return err
	}
	if body != nil {
		if err := decodeJSON(c, body); err != nil {
			return err
		}
	}
	if f, err = act(f); err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) apiFeedbackAssign(c *fiber.Ctx) error {
	var req assignRequest
	return s.apiFeedback(c, &req, func(f *qms.Feedback) (*qms.Feedback, error) {
		return s.Feedback.AssignFeedback(c.UserContext(), f.AgencyCode, f.ID, req.Assignee)
	})
}

func (s *Server) apiFeedbackAnswer(c *fiber.Ctx) error {
	var req answerRequest
	return s.apiFeedback(c, &req, func(f *qms.Feedback) (*qms.Feedback, error) {
		return s.Feedback.AnswerFeedback(c.UserContext(), f.AgencyCode, f.ID, req.Answer)
	})
}

func (s *Server) apiFeedbackPublish(c *fiber.Ctx) error {
	return s.apiFeedback(c, nil, func(f *qms.Feedback) (*qms.Feedback, error) {
		return s.Feedback.PublishFeedback(c.UserContext(), f.AgencyCode, f.ID)
	})
}
