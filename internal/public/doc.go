// Package public is the door of the public channel: what anyone may do
// without an account (write to a mailbox, follow a letter by its receipt
// code, read and comment on the forum), behind the spam defence: rate
// limits per address and per receipt code, a proof of work, and the
// classifier. The API and the pages both go through it.
//
// In front of the service, in this order: a rate limit per address for
// submissions (20 a minute) and for receipt-code look-ups (30), and per code
// (20); the proof of work (spam.Work, spent in the submission's transaction);
// then the classifier, whose held texts are kept and queued, never refused.
// There are no public accounts: every public input is anonymous or a letter
// with its receipt code, so limits on new users do not arise. The public JSON
// route takes no attachments (the form does). It imports consultation, cppcc,
// letters, forum and spam; the API's public routes and the public pages use it.
package public
