"""reviews and certificates: plan, agenda and notes, findings, comments, report versions, certificates

Findings are area assessments owned by a review (a third owner beside a response and a consensus).
``reviews.certificate_id`` and ``certificates.review_id`` point at each other, so the first is
added after both tables exist.

Revision ID: 0007_reviews
Revises: 0006_round_writes
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_reviews'
down_revision = '0006_round_writes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('certification', 'follow_up', 'recertification', name='review_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('mode', sa.Enum('on_site', 'video', name='review_mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state', sa.Enum('due', 'planned', 'drafting', 'comment_round', 'published', 'decided', name='review_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('meeting_url', sa.String(length=500), nullable=False),
    sa.Column('visit_starts_on', sa.Date(), nullable=True),
    sa.Column('visit_ends_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('previous_review_id', sa.Integer(), nullable=True),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('suggested_lead_id', sa.Integer(), nullable=True),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('overall', sa.Text(), nullable=False),
    sa.Column('comment_until', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('on_track', 'concerns', 'at_risk', name='follow_up_outcome', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.Enum('approved', 'not_approved', name='review_decision', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state = 'due' OR visit_starts_on IS NOT NULL", name=op.f('ck_reviews_planned_has_dates')),
    sa.CheckConstraint('decision IS NULL OR decided_on IS NOT NULL', name=op.f('ck_reviews_decision_has_date')),
    sa.CheckConstraint('visit_ends_on IS NULL OR visit_starts_on IS NULL OR visit_ends_on >= visit_starts_on', name=op.f('ck_reviews_visit_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reviews_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_reviews_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_reviews_instrument_id_instruments')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_reviews_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['previous_review_id'], ['reviews.id'], name=op.f('fk_reviews_previous_review_id_reviews'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_reviews_round_id_rounds'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['suggested_lead_id'], ['users.id'], name=op.f('fk_reviews_suggested_lead_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_visit_starts_on'), ['visit_starts_on'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('previous_certificate_id', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=False),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("withdrawn_at IS NULL OR withdrawn_reason != ''", name=op.f('ck_certificates_withdrawn_has_reason')),
    sa.CheckConstraint('valid_until > valid_from', name=op.f('ck_certificates_valid_order')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_certificates_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['previous_certificate_id'], ['certificates.id'], name=op.f('fk_certificates_previous_certificate_id_certificates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_certificates_review_id_reviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_certificates_withdrawn_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('review_id', name=op.f('uq_certificates_review_id'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_valid_until'), ['valid_until'], unique=False)
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_reviews_certificate_id', 'certificates', ['certificate_id'], ['id'],
                                    ondelete='CASCADE')

    op.create_table('report_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_report_versions_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_report_versions_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_versions')),
    sa.UniqueConstraint('review_id', 'number', name='review_number')
    )
    with op.batch_alter_table('report_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_versions_review_id'), ['review_id'], unique=False)

    op.create_table('review_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_review_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_comments_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comments')),
    sa.UniqueConstraint('review_id', 'area', name='comment_area')
    )
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comments_review_id'), ['review_id'], unique=False)

    op.create_table('review_revisors',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('lead', 'co', name='revisor_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_revisors_review_id_reviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_review_revisors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'user_id', name=op.f('pk_review_revisors'))
    )
    with op.batch_alter_table('review_revisors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_revisors_user_id'), ['user_id'], unique=False)

    op.create_table('visit_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.Column('programme', sa.String(length=120), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('note_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('note_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note_updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_visit_slots_slot_order')),
    sa.ForeignKeyConstraint(['note_updated_by_id'], ['users.id'], name=op.f('fk_visit_slots_note_updated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_visit_slots_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_slots'))
    )
    with op.batch_alter_table('visit_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_slots_review_id'), ['review_id'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), server_default='[]', nullable=False))

    with op.batch_alter_table('area_assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('improvements', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('change_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_area_assessments_review_id'), ['review_id'], unique=False)
        batch_op.create_unique_constraint('finding_area', ['review_id', 'area'])
        batch_op.drop_constraint(op.f('ck_area_assessments_one_owner'), type_='check')
        batch_op.create_check_constraint(
            'one_owner',
            "(CASE WHEN response_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN consensus_round_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN review_id IS NULL THEN 0 ELSE 1 END) = 1")
        batch_op.create_foreign_key(batch_op.f('fk_area_assessments_review_id_reviews'), 'reviews', ['review_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('attachments')

    with op.batch_alter_table('area_assessments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_area_assessments_review_id_reviews'), type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_area_assessments_one_owner'), type_='check')
        batch_op.create_check_constraint(
            'one_owner',
            "(CASE WHEN response_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN consensus_round_id IS NULL THEN 0 ELSE 1 END) = 1")
        batch_op.drop_constraint('finding_area', type_='unique')
        batch_op.drop_index(batch_op.f('ix_area_assessments_review_id'))
        batch_op.drop_column('change_reason')
        batch_op.drop_column('improvements')
        batch_op.drop_column('review_id')

    with op.batch_alter_table('visit_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_slots_review_id'))

    op.drop_table('visit_slots')
    with op.batch_alter_table('review_revisors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_revisors_user_id'))

    op.drop_table('review_revisors')
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comments_review_id'))

    op.drop_table('review_comments')
    with op.batch_alter_table('report_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_versions_review_id'))

    op.drop_table('report_versions')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_valid_until'))
        batch_op.drop_index(batch_op.f('ix_certificates_organisation_id'))

    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reviews_certificate_id', type_='foreignkey')
    op.drop_table('certificates')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_visit_starts_on'))
        batch_op.drop_index(batch_op.f('ix_reviews_state'))
        batch_op.drop_index(batch_op.f('ix_reviews_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_reviews_due_on'))
        batch_op.drop_index(batch_op.f('ix_reviews_certificate_id'))

    op.drop_table('reviews')
