"""action plan: goals (with linked recommendations and evidence), tasks, progress updates, meeting
series with moved or cancelled occurrences, meetings with agenda, minutes and attendees, absences,
calendar feeds, revisors' per-goal comments in follow-ups, and the digest opt-out on users.

Revision ID: 0008_action_plan
Revises: 0007_reviews
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_action_plan'
down_revision = '0007_reviews'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_absences_absence_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_absences_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_absences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absences'))
    )
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absences_user_id'), ['user_id'], unique=False)

    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_calendar_feeds_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash'))
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feeds_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_feeds_user_id'), ['user_id'], unique=False)

    op.create_table('goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('active', 'paused', 'achieved', 'dropped', name='goal_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('health', sa.Enum('on_track', 'at_risk', 'off_track', name='goal_health', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state_reason', sa.Text(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('last_update_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('deputy_id IS NULL OR deputy_id != owner_id', name=op.f('ck_goals_deputy_not_owner')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_goals_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deputy_id'], ['users.id'], name=op.f('fk_goals_deputy_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_goals_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_goals_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals'))
    )
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goals_deputy_id'), ['deputy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goals_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goals_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goals_state'), ['state'], unique=False)

    op.create_table('meeting_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('interval_days', sa.Integer(), nullable=False),
    sa.Column('first_on', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), server_default='60', nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('interval_days >= 1 AND interval_days <= 366', name=op.f('ck_meeting_series_interval_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meeting_series_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_meeting_series_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_series'))
    )
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_series_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('meeting_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('moved_to', sa.Date(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_meeting_changes_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meeting_changes_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_changes')),
    sa.UniqueConstraint('series_id', 'planned_on', name='change_occurrence')
    )
    with op.batch_alter_table('meeting_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_changes_series_id'), ['series_id'], unique=False)

    op.create_table('meeting_series_participants',
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meeting_series_participants_series_id_meeting_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_series_participants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('series_id', 'user_id', name=op.f('pk_meeting_series_participants'))
    )
    with op.batch_alter_table('meeting_series_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_series_participants_user_id'), ['user_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('open', 'approved', name='meeting_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('agenda', sa.JSON(), nullable=False),
    sa.Column('agenda_generated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('minutes_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('minutes_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes_updated_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_in_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_meetings_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['approved_in_id'], ['meetings.id'], name=op.f('fk_meetings_approved_in_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['minutes_updated_by_id'], ['users.id'], name=op.f('fk_meetings_minutes_updated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_meetings_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meetings_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('series_id', 'planned_on', name='meeting_occurrence')
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_series_id'), ['series_id'], unique=False)

    op.create_table('goal_evidence',
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_goal_evidence_evidence_id_evidence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_goal_evidence_goal_id_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'], name=op.f('fk_goal_evidence_linked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('goal_id', 'evidence_id', name=op.f('pk_goal_evidence'))
    )
    with op.batch_alter_table('goal_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_evidence_evidence_id'), ['evidence_id'], unique=False)

    op.create_table('goal_review_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_goal_review_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_goal_review_comments_goal_id_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_goal_review_comments_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_review_comments')),
    sa.UniqueConstraint('review_id', 'goal_id', name='review_goal_comment')
    )
    with op.batch_alter_table('goal_review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_review_comments_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_review_comments_review_id'), ['review_id'], unique=False)

    op.create_table('goal_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('health', sa.Enum('on_track', 'at_risk', 'off_track', name='goal_health', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_goal_updates_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_goal_updates_goal_id_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_goal_updates_meeting_id_meetings'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_updates'))
    )
    with op.batch_alter_table('goal_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_updates_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_updates_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_updates_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_attendees',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendees_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_attendees_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'user_id', name=op.f('pk_meeting_attendees'))
    )
    with op.batch_alter_table('meeting_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendees_user_id'), ['user_id'], unique=False)

    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=8), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('current', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_recommendations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_recommendations_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
    sa.UniqueConstraint('review_id', 'number', name='recommendation_number')
    )
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendations_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_review_id'), ['review_id'], unique=False)

    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('open', 'done', name='task_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_tasks_assignee_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tasks_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_tasks_done_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_tasks_goal_id_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_tasks_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_tasks_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_state'), ['state'], unique=False)

    op.create_table('goal_recommendations',
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_goal_recommendations_goal_id_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_goal_recommendations_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('goal_id', 'recommendation_id', name=op.f('pk_goal_recommendations'))
    )
    with op.batch_alter_table('goal_recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_recommendations_recommendation_id'), ['recommendation_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('digest')

    with op.batch_alter_table('goal_recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_recommendations_recommendation_id'))

    op.drop_table('goal_recommendations')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_state'))
        batch_op.drop_index(batch_op.f('ix_tasks_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_goal_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_due_on'))
        batch_op.drop_index(batch_op.f('ix_tasks_assignee_id'))

    op.drop_table('tasks')
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendations_review_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_organisation_id'))

    op.drop_table('recommendations')
    with op.batch_alter_table('meeting_attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendees_user_id'))

    op.drop_table('meeting_attendees')
    with op.batch_alter_table('goal_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_updates_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_goal_updates_goal_id'))
        batch_op.drop_index(batch_op.f('ix_goal_updates_created_at'))

    op.drop_table('goal_updates')
    with op.batch_alter_table('goal_review_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_review_comments_review_id'))
        batch_op.drop_index(batch_op.f('ix_goal_review_comments_goal_id'))

    op.drop_table('goal_review_comments')
    with op.batch_alter_table('goal_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_evidence_evidence_id'))

    op.drop_table('goal_evidence')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_series_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_held_on'))

    op.drop_table('meetings')
    with op.batch_alter_table('meeting_series_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_series_participants_user_id'))

    op.drop_table('meeting_series_participants')
    with op.batch_alter_table('meeting_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_changes_series_id'))

    op.drop_table('meeting_changes')
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_series_organisation_id'))

    op.drop_table('meeting_series')
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goals_state'))
        batch_op.drop_index(batch_op.f('ix_goals_owner_id'))
        batch_op.drop_index(batch_op.f('ix_goals_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_goals_deputy_id'))

    op.drop_table('goals')
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_user_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_organisation_id'))

    op.drop_table('calendar_feeds')
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absences_user_id'))

    op.drop_table('absences')
