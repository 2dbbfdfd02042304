package io.shipsync.store;

import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What each platform takes as an order id. */
class PlatformTest {

    /** The form of a UUID order id as the platforms document it. */
    private static final Pattern UUID_TEXT = Pattern
        .compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @Test
    void the_hand_written_uuid_check_agrees_with_the_documented_pattern_on_near_misses() {
        var random = new SplittableRandom(14);
        String alphabet = "0123456789abcdefABCDEFgG-_ \u0660\uff10";
        int valid = 0;
        for (int i = 0; i < 200_000; i++) {
            var text = new StringBuilder(new UUID(random.nextLong(), random.nextLong()).toString());
            // one or two characters changed, one added or one removed: the ids a file
            // gets wrong
            switch (random.nextInt(4)) {
                case 0 ->
                    text.setCharAt(random.nextInt(text.length()), alphabet.charAt(random.nextInt(alphabet.length())));
                case 1 ->
                    text.insert(random.nextInt(text.length() + 1), alphabet.charAt(random.nextInt(alphabet.length())));
                case 2 -> text.deleteCharAt(random.nextInt(text.length()));
                default -> {
                }
            }
            String id = text.toString();
            boolean matches = UUID_TEXT.matcher(id).matches();
            assertThat(Platform.isUuidText(id)).as(id).isEqualTo(matches);
            valid += matches ? 1 : 0;
        }
        assertThat(valid).as("valid ids among the samples").isBetween(50_000, 150_000);
    }

    @Test
    void a_uuid_order_id_is_kept_in_lower_case_and_anything_else_is_refused_with_an_example() {
        assertThat(Platform.TRIBEMADE.orderId("770E8400-E29B-41D4-A716-446655440789"))
            .isEqualTo(new Platform.OrderId.Valid("770e8400-e29b-41d4-a716-446655440789"));
        assertThat(Platform.TYBRITE.orderId("770e8400-e29b-41d4-a716-44665544078"))
            .isEqualTo(new Platform.OrderId.Invalid("is not a valid order id on Tybrite Labs (expected a UUID such as "
                    + "770e8400-e29b-41d4-a716-446655440789)"));
    }

}
