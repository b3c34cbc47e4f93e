package org.ganscope.services.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchRequestTest {
    @Test
    void builderSetsFieldsByNameAndLeavesTheRestAtTheirDefaults() throws Exception {
        LaunchRequest built = LaunchRequest.of("outdoor-base-s100").layers(List.of("layer3")).samples(300).seed(4L).steps(List.of("dissect")).build();
        assertEquals("outdoor-base-s100", built.bundle());
        assertEquals(300, built.samples());
        assertNull(built.method());
        assertNull(built.shards());
        // the REST body binds to the same record (canonical constructor), unaffected by the builder
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        LaunchRequest bound = json.readValue("{\"bundle\":\"outdoor-base-s100\",\"layers\":[\"layer3\"],\"samples\":300,\"seed\":4,\"steps\":[\"dissect\"]}",
                LaunchRequest.class);
        assertEquals(built, bound);
    }
}
