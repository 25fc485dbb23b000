"""Action, block and callback ids shared by views (which emit them) and handlers (which match them).

They are part of the contract with Slack payloads: renaming one breaks buttons on messages
that were already sent, so change them only with care.
"""

from __future__ import annotations

import enum


class ActionId(enum.StrEnum):
    """`action_id` of interactive elements."""

    OPEN_HELP = "open_help"
    # The Edit button under a cohort summary; its value is the cohort id.
    COHORT_EDIT = "cohort_edit"
    # Every input of the cohort modal (block ids tell them apart).
    COHORT_FIELD = "cohort_field"
    # The Join button of an enrolment announcement: opens the employee survey.
    JOIN = "join_program"
    # The button of an executive's invitation (and "Edit my answers"): opens the survey.
    OPEN_SURVEY = "open_survey"
    # Every input of the survey modal (block ids tell them apart).
    SURVEY_FIELD = "survey_field"
    # Self-service buttons (Home tab and messages); their value is the cohort id.
    PAUSE = "pause_participation"
    RESUME = "resume_participation"
    LEAVE = "leave_program"
    # The leave confirmation modal's "also delete my data" checkbox.
    LEAVE_DELETE_DATA = "leave_delete_data"
    # The matching preview's buttons; their value is "<run id>:<revision>".
    MATCH_CONFIRM = "match_confirm"
    MATCH_RERUN = "match_rerun"
    # "Pair anyway" under a `pair` that breaks a rule; value "<cohort>:<employee>:<executive>".
    PAIR_ANYWAY = "pair_anyway"
    # Check-in answers; their value is "<pairing id>:<period>:<user id it was sent to>".
    CHECKIN_MET = "checkin_met"
    CHECKIN_NOT_YET = "checkin_not_yet"
    CHECKIN_PAUSE = "checkin_pause"
    # Inputs of the reflection modal (block ids tell them apart).
    REFLECTION_FIELD = "reflection_field"
    # The slipping-pair alert's buttons; their value is the pairing id.
    SLIPPING_CONTACT = "slipping_contact"
    SLIPPING_UNPAIR = "slipping_unpair"
    # The admin dashboard's buttons (Home tab); their value is the cohort id.
    HOME_ADMIN_MATCH = "home_admin_match"
    HOME_ADMIN_NUDGE = "home_admin_nudge"
    HOME_ADMIN_REPORT = "home_admin_report"
    HOME_ADMIN_EXPORT = "home_admin_export"
    HOME_ADMIN_AUDIT = "home_admin_audit"
    # The midpoint or closing survey DM's button; its value is "<cohort id>:<kind>".
    OPEN_PROGRAM_SURVEY = "open_program_survey"
    # Inputs of the midpoint and closing survey modal (block ids tell them apart).
    PROGRAM_SURVEY_FIELD = "program_survey_field"


class BlockId(enum.StrEnum):
    """`block_id` of blocks that handlers read back or tests look for."""

    HOME_ACTIONS = "home_actions"
    HOME_ADMIN = "home_admin"
    # Inputs of the cohort modal: submission errors are keyed by these.
    COHORT_NAME = "cohort_name"
    COHORT_START_DATE = "cohort_start_date"
    COHORT_WEEKS = "cohort_weeks"
    COHORT_CADENCE = "cohort_cadence"
    COHORT_CHECKIN_WEEKDAY = "cohort_checkin_weekday"
    COHORT_CHECKIN_HOUR = "cohort_checkin_hour"
    COHORT_RULES = "cohort_rules"
    COHORT_EMPLOYEES_PER_EXECUTIVE = "cohort_employees_per_executive"
    COHORT_EXECUTIVES_PER_EMPLOYEE = "cohort_executives_per_employee"
    COHORT_ACTIONS = "cohort_actions"
    # Inputs of the survey modal: a public contract (issue 4), errors are keyed by these.
    SURVEY_SKILLS_SHARE = "skills_share"
    SURVEY_SKILLS_LEARN = "skills_learn"
    SURVEY_DEPARTMENT = "department"
    SURVEY_GOALS = "goals"
    SURVEY_MEETING_FORMAT = "meeting_format"
    SURVEY_CAPACITY = "capacity"
    # Inputs of the reflection modal: errors are keyed by these.
    REFLECTION_LEARNED = "reflection_learned"
    REFLECTION_WILL_TRY = "reflection_will_try"
    REFLECTION_RATING = "reflection_rating"
    REFLECTION_SHARE = "reflection_share"
    # Inputs of the midpoint and closing survey modal: errors are keyed by these.
    PROGRAM_SURVEY_SATISFACTION = "program_survey_satisfaction"
    PROGRAM_SURVEY_AGAIN = "program_survey_again"
    PROGRAM_SURVEY_SKILLS = "program_survey_skills"
    PROGRAM_SURVEY_COMMENTS = "program_survey_comments"


class CallbackId(enum.StrEnum):
    """`callback_id` of modals."""

    HELP_MODAL = "help_modal"
    COHORT_MODAL = "cohort_modal"
    COHORT_NOTICE_MODAL = "cohort_notice_modal"
    SURVEY_MODAL = "survey_modal"
    LEAVE_MODAL = "leave_modal"
    # What the survey modal turns into after a submit (saved, or refused for a reason no answer fixes).
    SURVEY_NOTICE_MODAL = "survey_notice_modal"
    REFLECTION_MODAL = "reflection_modal"
    REFLECTION_NOTICE_MODAL = "reflection_notice_modal"
    PROGRAM_SURVEY_MODAL = "program_survey_modal"
    PROGRAM_SURVEY_NOTICE_MODAL = "program_survey_notice_modal"
