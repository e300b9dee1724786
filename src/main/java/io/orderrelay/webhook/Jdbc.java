package io.orderrelay.webhook;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Small JDBC conversions shared by the stores. */
final class Jdbc {

    private Jdbc() {
    }

    static void set(PreparedStatement st, int i, Instant at) throws SQLException {
        st.setObject(i, at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /** JDBC failures are bugs or outages here, never bad input. */
    static IllegalStateException failure(SQLException e) {
        return new IllegalStateException("webhook storage failed: " + e.getMessage(), e);
    }
}
