package dev.lto.action.keys;

import org.springframework.data.repository.ListCrudRepository;

/** The {@code api_keys} aggregate (Spring Data JDBC over DuckDB, with action-service's dialect). */
interface ApiKeyRepository extends ListCrudRepository<ApiKey, String> {
}
