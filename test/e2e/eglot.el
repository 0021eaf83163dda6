;;; eglot.el --- Emacs 28 + eglot 1.9 against the Kuma language server over stdio (batch)  -*- lexical-binding: t -*-
;; Usage: SERVER=<repo>/dist/server.node.js FILE=x.yaml OUT=result.json emacs --batch -l eglot.el
;; FILE must hold a MeshService whose `appProtocol: websocket' Kuma 2.14 does not support and an unknown key
;; `weight:'.  Writes JSON to OUT; run.sh judges it.  This script exits 0 unless the protocol flow itself failed.
;;   diagnostics:  [{line, text, code}] as flymake shows them (text is eglot's "source [code]: message")
;;   completion:   candidates of eglot's completion-at-point after "appProtocol: " with the value deleted
;;   code_actions: titles eglot-code-actions gets on the appProtocol value
;;   fixed_line:   the appProtocol line after applying the first "Change to …" action's edit
(require 'eglot)
(require 'flymake)
(require 'json)
(require 'subr-x)

(defvar kuma-e2e-result (list :errors []))
(defun kuma-e2e-put (key value) (setq kuma-e2e-result (plist-put kuma-e2e-result key value)))
(defun kuma-e2e-error (msg)
  (kuma-e2e-put :errors (vconcat (plist-get kuma-e2e-result :errors) (list msg))))
(defun kuma-e2e-finish ()
  (with-temp-file (or (getenv "OUT") "eglot-result.json") (insert (json-encode kuma-e2e-result)))
  (ignore-errors (let ((eglot-autoshutdown nil)) (eglot-shutdown (eglot-current-server))))
  (kill-emacs (if (zerop (length (plist-get kuma-e2e-result :errors))) 0 1)))

(defun kuma-e2e-wait (pred seconds)
  "Run the event loop until PRED returns non-nil or SECONDS pass; return PRED's last value."
  (let ((deadline (+ (float-time) seconds)) (v nil))
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.1)
      (flymake-start))
    v))

(defun kuma-e2e-goto-value (key)
  "Move point to the start of the value of the first `KEY:' line; return point or nil."
  (goto-char (point-min))
  (when (re-search-forward (concat "^[ \t-]*" (regexp-quote key) ":[ \t]*") nil t) (point)))

(run-at-time 40 nil (lambda () (kuma-e2e-error "timeout") (kuma-e2e-finish)))

(condition-case err
    (let ((server (or (getenv "SERVER") (error "SERVER env missing"))))
      (find-file (or (getenv "FILE") (error "FILE env missing")))
      ;; no yaml-mode in a bare Emacs: any major mode will do, eglot sends the language id given here
      (text-mode)
      (eglot '(text-mode) (cons 'transient default-directory) 'eglot-lsp-server
             (list "node" server "--stdio") "yaml")
      (flymake-mode 1)
      ;; 1. diagnostics as flymake has them
      (unless (kuma-e2e-wait (lambda () (cl-some (lambda (d) (string-match-p "weight" (flymake-diagnostic-text d)))
                                                  (flymake-diagnostics)))
                             15)
        (kuma-e2e-error "no diagnostics"))
      (kuma-e2e-put :diagnostics
                    (vconcat (mapcar (lambda (d)
                                       (list :line (line-number-at-pos (flymake-diagnostic-beg d))
                                             :covers (buffer-substring-no-properties (flymake-diagnostic-beg d)
                                                                                     (flymake-diagnostic-end d))
                                             :text (flymake-diagnostic-text d)
                                             :code (plist-get (cdr (assoc 'eglot-lsp-diag (eglot--diag-data d))) :code)))
                                     (flymake-diagnostics))))
      ;; 2. code actions on the appProtocol value, then apply the first "Change to …" edit
      (let* ((beg (or (kuma-e2e-goto-value "appProtocol") (error "no appProtocol line")))
             (end (line-end-position))
             (actions (eglot-code-actions beg end))
             (change (cl-find-if (lambda (a) (string-prefix-p "Change to " (plist-get a :title))) actions)))
        (kuma-e2e-put :code_actions (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
        (if (not (plist-get change :edit))
            (kuma-e2e-error "no \"Change to\" code action with an edit")
          (eglot--apply-workspace-edit (plist-get change :edit))
          (kuma-e2e-put :applied (plist-get change :title))
          (goto-char beg)
          (kuma-e2e-put :fixed_line (buffer-substring-no-properties (line-beginning-position) (line-end-position)))))
      ;; 3. completion: delete the appProtocol value and ask eglot's completion-at-point
      (let ((beg (kuma-e2e-goto-value "appProtocol")))
        (delete-region beg (line-end-position))
        (goto-char beg)
        (let* ((capf (eglot-completion-at-point))
               (table (and capf (nth 2 capf)))
               (cands (and table (all-completions "" table))))
          (unless cands (kuma-e2e-error "no completion candidates"))
          (kuma-e2e-put :completion (vconcat (mapcar #'substring-no-properties cands))))))
  (error (kuma-e2e-error (format "%S" err))))
(kuma-e2e-finish)
